using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Airlock.Demo;

/// <summary>
/// DEMO ONLY. A throw-away OIDC issuer served by <c>airlock demo</c> so it runs without a company IdP.
/// Its key lives in memory for one run. <c>airlock serve</c> never enables it.
/// </summary>
internal sealed partial class DemoIssuer(string gatewayUrl, TimeProvider? time = null)
{
    public const string Audience = "airlock-demo";
    private const string PathBase = "/_airlock/demo-oidc";
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "demo-" + RandomNumberGenerator.GetHexString(8, true) };

    public string Issuer => gatewayUrl.TrimEnd('/') + PathBase;

    /// <summary>Where <c>airlock demo-issuer</c> mints tokens; <c>airlock demo</c> writes its token to a file instead.</summary>
    public string TokenPath => PathBase + "/token";

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(PathBase + "/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["jwks_uri"] = Issuer + "/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["subject_types_supported"] = new[] { "public" },
            ["response_types_supported"] = new[] { "id_token", "code" },
            ["authorization_endpoint"] = Issuer + "/authorize",
            ["token_endpoint"] = Issuer + "/token",
            ["code_challenge_methods_supported"] = new[] { "S256" },
        }));
        MapConsoleLogin(app);
        app.MapGet(PathBase + "/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_key.Rsa.ExportParameters(false)) { KeyId = _key.KeyId });
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
    }

    /// <param name="audience">The API's audience unless given (the console's id tokens name its client id).</param>
    /// <param name="nonce">The login's nonce, for an id token.</param>
    public string MintToken(string subject, IEnumerable<string> groups, TimeSpan lifetime, string audience = Audience, string? nonce = null)
    {
        var claims = new List<Claim> { new("sub", subject) };
        claims.AddRange(groups.Select(g => new Claim("groups", g)));
        if (nonce is { Length: > 0 })
        {
            claims.Add(new Claim("nonce", nonce));
        }

        var now = (time ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });
    }
}
