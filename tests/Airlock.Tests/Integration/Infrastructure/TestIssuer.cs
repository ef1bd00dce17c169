using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Airlock.Tests.Integration.Infrastructure;

/// <summary>
/// A real OIDC issuer on 127.0.0.1: discovery document and JWKS over HTTP, RS256 and ES256 keys,
/// and real JWTs signed with them — plus a key it never publishes, for forgeries.
/// </summary>
public sealed partial class TestIssuer : IAsyncDisposable
{
    public const string Audience = "airlock-tests";
    private readonly WebApplication _app;
    private readonly RsaSecurityKey _rsa = new(RSA.Create(2048)) { KeyId = "rsa-1" };
    private readonly ECDsaSecurityKey _ec = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ec-1" };
    private readonly RsaSecurityKey _rogue = new(RSA.Create(2048)) { KeyId = "rogue-1" };
    private RsaSecurityKey? _rotated;

    private TestIssuer(WebApplication app) => _app = app;

    public string Issuer { get; private set; } = "";

    public static async Task<TestIssuer> StartAsync()
    {
        var app = LoopbackServer.Create();
        var issuer = new TestIssuer(app);
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = issuer.Issuer,
            ["jwks_uri"] = issuer.Issuer + "/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256", "ES256" },
            ["authorization_endpoint"] = issuer.Issuer + "/authorize",
            ["token_endpoint"] = issuer.Issuer + "/token",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
        }));
        issuer.MapLogin(app);
        app.MapGet("/jwks", () =>
        {
            issuer.JwksFetches++;
            var keys = new List<object> { RsaJwk(issuer._rsa), issuer.EcJwk() };
            if (issuer._rotated is { } rotated)
            {
                keys.Add(RsaJwk(rotated));
            }

            return Results.Json(new { keys });
        });
        issuer.Issuer = await LoopbackServer.StartAsync(app);
        return issuer;
    }

    public enum Key { Rsa, Ec, Rogue, Rotated }

    /// <summary>Publishes a new signing key, as an IdP does when it rotates keys.</summary>
    public void RotateKey() => _rotated ??= new RsaSecurityKey(RSA.Create(2048)) { KeyId = "rsa-2" };

    public int JwksFetches { get; private set; }

    /// <summary>A signed JWT; every part can be bent to make a bad one.</summary>
    public string Mint(
        string subject = "agent-1", string[]? groups = null, TimeSpan? lifetime = null, string? audience = null,
        string? issuer = null, Key key = Key.Rsa)
    {
        var claims = new List<Claim> { new("sub", subject) };
        claims.AddRange((groups ?? ["agents"]).Select(g => new Claim("groups", g)));
        var now = DateTime.UtcNow;
        var life = lifetime ?? TimeSpan.FromMinutes(30);
        var expires = now + life;
        var notBefore = life < TimeSpan.Zero ? expires - TimeSpan.FromMinutes(5) : now;
        SigningCredentials credentials = key switch
        {
            Key.Ec => new(_ec, SecurityAlgorithms.EcdsaSha256),
            Key.Rogue => new(_rogue, SecurityAlgorithms.RsaSha256),
            Key.Rotated => new(_rotated ?? throw new InvalidOperationException("RotateKey first"), SecurityAlgorithms.RsaSha256),
            _ => new(_rsa, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience ?? Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            SigningCredentials = credentials,
        });
    }

    /// <summary>A token whose header says <c>alg: none</c> and which carries no signature.</summary>
    public string MintUnsigned(string subject = "agent-1")
    {
        static string B64(object o) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(o));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return B64(new { alg = "none", typ = "JWT" }) + "." +
               B64(new Dictionary<string, object> { ["iss"] = Issuer, ["aud"] = Audience, ["sub"] = subject, ["groups"] = new[] { "agents" }, ["iat"] = now, ["nbf"] = now, ["exp"] = now + 600 }) + ".";
    }

    /// <summary>A valid token with its payload changed after signing.</summary>
    public string MintTampered()
    {
        var parts = Mint(subject: "agent-1").Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("agent-1", "admin-9", StringComparison.Ordinal);
        return parts[0] + "." + Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload)) + "." + parts[2];
    }

    private static object RsaJwk(RsaSecurityKey key)
    {
        var p = key.Rsa.ExportParameters(false);
        return new { kty = "RSA", kid = key.KeyId, use = "sig", alg = "RS256", n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) };
    }

    private object EcJwk()
    {
        var p = _ec.ECDsa.ExportParameters(false);
        return new { kty = "EC", kid = _ec.KeyId, use = "sig", alg = "ES256", crv = "P-256", x = Base64UrlEncoder.Encode(p.Q.X), y = Base64UrlEncoder.Encode(p.Q.Y) };
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
