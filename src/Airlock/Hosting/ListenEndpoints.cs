using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Airlock.Hosting;

/// <summary>Binds Kestrel to every listen URL, with TLS from PEM files for https ones.</summary>
internal static class ListenEndpoints
{
    public static void Configure(KestrelServerOptions kestrel, AirlockOptions options, string baseDirectory)
    {
        X509Certificate2? certificate = null;
        string?[] ownPorts = [options.Admin.Listen, options.Console.Enabled ? options.Console.Listen : null];
        foreach (var url in options.ListenUrls.Concat(ownPorts.OfType<string>()))
        {
            var uri = new Uri(url);
            var https = uri.Scheme == "https";
            if (https && certificate is null)
            {
                certificate = LoadCertificate(options.Tls, baseDirectory);
            }

            void Bind(ListenOptions listen)
            {
                if (https)
                {
                    listen.UseHttps(certificate!);
                }
            }

            if (uri.Host == "localhost")
            {
                kestrel.ListenLocalhost(uri.Port, Bind);
            }
            else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address))
            {
                kestrel.Listen(address, uri.Port, Bind);
            }
            else
            {
                // A host name: listen on every interface, as ASP.NET does for such URLs.
                kestrel.ListenAnyIP(uri.Port, Bind);
            }
        }
    }

    private static X509Certificate2 LoadCertificate(TlsOptions tls, string baseDirectory)
    {
        var certificate = X509Certificate2.CreateFromPemFile(
            Path.Combine(baseDirectory, tls.CertificateFile!), Path.Combine(baseDirectory, tls.KeyFile!));
        // Kestrel needs the key in a form the platform's TLS stack can use; a PKCS#12 round trip gives it that.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
