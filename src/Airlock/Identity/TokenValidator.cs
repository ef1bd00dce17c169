using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Airlock.Identity;

/// <summary>
/// Validates OIDC tokens (JWTs) against the trusted issuers' discovery documents and JWKS. Keys are
/// cached and fetched again, at most every <see cref="IssuerOptions.KeyRefreshMinimumSeconds"/>, when
/// a token names a key id the cache does not hold.
/// </summary>
internal sealed class TokenValidator
{
    private readonly Dictionary<string, IssuerOptions> _issuers;

    // Built when the first token arrives: a gateway that has verified none (say, one that only forwards calls of
    // sessions issued elsewhere) neither loads IdentityModel nor holds a JWKS retriever per issuer.
    private readonly Lazy<Verifier> _verifier;

    public TokenValidator(IEnumerable<IssuerOptions> issuers)
    {
        _issuers = issuers.ToDictionary(i => i.Issuer, StringComparer.Ordinal);
        _verifier = new Lazy<Verifier>(() => new Verifier(_issuers.Values));
    }

    /// <summary>The audiences an issuer's tokens are accepted for (the STS answer names them).</summary>
    public IReadOnlyList<string> AudiencesOf(string issuer) => _issuers.TryGetValue(issuer, out var known) ? known.Audiences : [];

    public Task<TokenValidation> ValidateAsync(string token, CancellationToken cancellationToken) => _verifier.Value.ValidateAsync(token, cancellationToken);

    private sealed class Verifier
    {
        private readonly Dictionary<string, (IssuerOptions Options, ConfigurationManager<OpenIdConnectConfiguration> Keys)> _issuers;
        private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

        public Verifier(IEnumerable<IssuerOptions> issuers)
        {
            _issuers = issuers.ToDictionary(i => i.Issuer, i => (i, new ConfigurationManager<OpenIdConnectConfiguration>(
                i.Issuer.TrimEnd('/') + "/.well-known/openid-configuration",
                new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever { RequireHttps = i.RequiresHttps })
            {
                RefreshInterval = TimeSpan.FromSeconds(Math.Max(1, i.KeyRefreshMinimumSeconds)),
            }), StringComparer.Ordinal);
        }

        public async Task<TokenValidation> ValidateAsync(string token, CancellationToken cancellationToken)
        {
            string issuer;
            try
            {
                issuer = new JsonWebToken(token.Trim()).Issuer;
            }
            catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException)
            {
                return TokenValidation.Fail("The identity token is not a well-formed JWT.");
            }

            if (!_issuers.TryGetValue(issuer, out var trusted))
            {
                return TokenValidation.Fail($"The identity token's issuer '{issuer}' is not trusted by this gateway.");
            }

            var parameters = new TokenValidationParameters
            {
                ValidIssuer = trusted.Options.Issuer,
                ValidAudiences = trusted.Options.Audiences,
                ValidAlgorithms = trusted.Options.Algorithms,
                ConfigurationManager = trusted.Keys,
                RequireSignedTokens = true,
                RequireExpirationTime = true,
                ValidateLifetime = true,
                ClockSkew = TimeSpan.FromSeconds(trusted.Options.ClockSkewSeconds),
            };

            var result = await _handler.ValidateTokenAsync(token.Trim(), parameters);
            if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
            {
                // An unknown key id may be a key the issuer just rotated in: fetch its JWKS again (at most
                // once per KeyRefreshMinimumSeconds, which RequestRefresh enforces) and try once more.
                trusted.Keys.RequestRefresh();
                await trusted.Keys.GetConfigurationAsync(cancellationToken);
                result = await _handler.ValidateTokenAsync(token.Trim(), parameters);
            }

            if (!result.IsValid)
            {
                return Describe(result.Exception);
            }

            var jwt = (JsonWebToken)result.SecurityToken;
            var subject = result.ClaimsIdentity.FindFirst(trusted.Options.SubjectClaim)?.Value;
            if (string.IsNullOrEmpty(subject))
            {
                return TokenValidation.Fail($"The identity token has no '{trusted.Options.SubjectClaim}' claim.");
            }

            var groups = result.ClaimsIdentity.FindAll(trusted.Options.GroupsClaim).Select(c => c.Value).Distinct().ToArray();
            return new TokenValidation(new ValidatedIdentity(subject, issuer, groups, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero)), null);
        }

        private static TokenValidation Describe(Exception? error) => error switch
        {
            SecurityTokenExpiredException => TokenValidation.Fail("The identity token has expired.", expired: true),
            SecurityTokenNotYetValidException => TokenValidation.Fail("The identity token is not valid yet."),
            SecurityTokenInvalidAudienceException => TokenValidation.Fail("The identity token was not issued for this gateway (wrong audience)."),
            SecurityTokenInvalidIssuerException => TokenValidation.Fail("The identity token's issuer is not trusted by this gateway."),
            SecurityTokenInvalidAlgorithmException => TokenValidation.Fail("The identity token is signed with an algorithm this gateway does not accept."),
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
                TokenValidation.Fail("The identity token's signature is not valid."),
            SecurityTokenNoExpirationException => TokenValidation.Fail("The identity token has no expiry."),
            _ when error?.InnerException is IOException or HttpRequestException || error is InvalidOperationException =>
                TokenValidation.Fail("The identity token's issuer could not be reached to check its signature."),
            _ => TokenValidation.Fail("The identity token is not valid."),
        };
    }
}
