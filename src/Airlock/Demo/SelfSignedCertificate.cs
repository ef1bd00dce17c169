using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Airlock.Demo;

/// <summary>
/// DEMO AND TESTS ONLY. A self-signed certificate for 127.0.0.1 and localhost, written as PEM files for
/// the gateway and, as their CA bundle, for the clients.
/// </summary>
internal static class SelfSignedCertificate
{
    /// <summary>Writes cert.pem and key.pem into <paramref name="dir"/>; cert.pem is also the clients' CA bundle.</summary>
    public static (string Certificate, string Key) Write(string dir)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=airlock-tests", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyCertSign, false));
        var now = TimeProvider.System.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));
        var certificatePath = Path.Combine(dir, "cert.pem");
        var keyPath = Path.Combine(dir, "key.pem");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        DemoSetup.WritePrivate(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }
}
