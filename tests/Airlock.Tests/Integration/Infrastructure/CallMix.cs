using Xunit;

namespace Airlock.Tests.Integration.Infrastructure;

/// <summary>A known mix of calls from the AWS CLI, for tests that count them: allowed, denied, masked, held then approved.</summary>
public static class CallMix
{
    /// <summary>
    /// As <paramref name="subject"/>: 3 s3 ListBuckets (allowed), 1 s3 DeleteBucket (denied), 1 secretsmanager
    /// GetSecretValue (allowed, its SecretString masked by the model), 1 dynamodb DeleteTable (held, approved by an sre,
    /// then allowed). Returns the session, for checks that its secret appears nowhere.
    /// </summary>
    public static async Task<SessionCredentials> RunAsync(AirlockEnvironment env, string subject)
    {
        var agent = await env.NewSessionAsync(subject: subject);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(0, (await env.CliV2Async(agent, "s3api", "list-buckets")).ExitCode);
        }

        Assert.NotEqual(0, (await env.CliV2Async(agent, "s3api", "delete-bucket", "--bucket", AirlockEnvironment.UniqueName("kept"))).ExitCode);
        var secret = AirlockEnvironment.UniqueName(subject);
        Assert.Equal(0, (await env.MotoAsync("secretsmanager", "create-secret", "--name", secret, "--secret-string", SecretValue)).ExitCode);
        Assert.Equal(0, (await env.CliV2Async(agent, "secretsmanager", "get-secret-value", "--secret-id", secret)).ExitCode);

        using var api = HeldCalls.ApproverApi(env, env.Gateway.Url, subject + "-sre");
        var table = AirlockEnvironment.UniqueName(subject);
        var held = HeldCalls.DeleteTableAsync(env.Gateway.Url, agent, table);
        await HeldCalls.ApproveAsync(api, await HeldCalls.PendingIdAsync(api, table), "counted");
        Assert.Contains("ResourceNotFoundException", (await held).Body);
        return agent;
    }

    /// <summary>The secret's value: masked in every response, so it must appear in no scrape or log either.</summary>
    public const string SecretValue = "hunter2-counted";
}
