using System.Security.Cryptography;

namespace Airlock.Demo;

/// <summary>Writes the demo's configuration, upstream key and policy into its data folder.</summary>
internal static class DemoSetup
{
    /// <param name="tlsPort">When set, the gateway also listens with TLS there (a self-signed certificate in the data folder).</param>
    public static string WriteConfig(string dataDir, int port, string motoEndpoint, int? tlsPort = null)
    {
        Directory.CreateDirectory(dataDir);
        var keyIdFile = Path.Combine(dataDir, "upstream-access-key-id");
        var secretFile = Path.Combine(dataDir, "upstream-secret-access-key");
        WritePrivate(keyIdFile, "AKIA" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16));
        WritePrivate(secretFile, Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)));
        var configPath = Path.Combine(dataDir, "airlock.yaml");
        var listen = $"http://127.0.0.1:{port}";
        var tls = "";
        if (tlsPort is { } https)
        {
            var (certificate, key) = SelfSignedCertificate.Write(dataDir);
            listen += $";https://127.0.0.1:{https}";
            tls = $"tls:\n  certificateFile: {certificate}\n  keyFile: {key}\n";
        }

        File.WriteAllText(configPath, $"""
            # Written by `airlock demo`. DEMO ONLY: the issuer below is Airlock's built-in demo issuer,
            # which `airlock serve` never enables. Use this file with `airlock sessions` and `airlock audit`.
            listen: {listen}
            {tls}
            store:
              path: airlock.db
            issuers:
              - issuer: http://127.0.0.1:{port}/_airlock/demo-oidc
                audiences: [{DemoIssuer.Audience}]
            connections:
              - name: demo
                region: us-east-1
                accountId: "000000000000"
                endpoint: {motoEndpoint}
                credentials:
                  source: file
                  accessKeyIdFile: {keyIdFile}
                  secretAccessKeyFile: {secretFile}
            console:
              issuer: http://127.0.0.1:{port}/_airlock/demo-oidc
              clientId: {DemoIssuer.ConsoleClientId}
              roles:
                approvers: [{DemoIssuer.ApproversGroup}]
                auditors: [{DemoIssuer.AuditorsGroup}]
            audit:
              readers: [{DemoIssuer.AuditorsGroup}]
            policy:
              Statement:
                - Sid: DemoAgentsWork
                  Effect: Allow
                  Principal:
                    Group: [developers]
                  Action: ["s3:*", "dynamodb:*", "secretsmanager:*", "sqs:*", "sns:*", "ssm:*", "sts:GetCallerIdentity"]
                  Resource: "*"
                - Sid: NoBucketDeletion
                  Effect: Deny
                  Principal: "*"
                  Action: s3:DeleteBucket
                  Resource: "*"
                - Sid: TableDropsNeedAnApprover
                  Effect: Review
                  Principal: "*"
                  Action: dynamodb:DeleteTable
                  Resource: "*"
                  Approvers: [{DemoIssuer.ApproversGroup}]
            """);
        return configPath;
    }

    public static void WritePrivate(string path, string content)
    {
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
