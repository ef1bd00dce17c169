using Airlock.Identity;
using Airlock.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace Airlock.WebConsole;

internal static class ConsoleServices
{
    public const string CookieScheme = "airlock-console";
    private const string OidcScheme = "airlock-console-oidc";

    /// <summary>
    /// The console's login (authorization code with PKCE at the configured issuer, then a cookie session with idle and
    /// absolute timeouts), its antiforgery tokens and its pages. Nothing here touches the AWS API's pipeline.
    /// </summary>
    public static IServiceCollection AddAirlockConsole(this IServiceCollection services, ConsoleOptions options, IReadOnlyList<IssuerOptions> issuers) =>
        options.Enabled ? AddConsole(services, options, issuers) : services;

    // A method of its own, never inlined: compiling a method loads the assemblies of everything it calls, so a gateway
    // without a console would otherwise load MVC, Razor Pages, data protection and the authentication handlers (~3 MB
    // of resident memory) for nothing.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static IServiceCollection AddConsole(IServiceCollection services, ConsoleOptions options, IReadOnlyList<IssuerOptions> issuers)
    {
        var issuer = issuers.Single(i => i.Issuer == options.Issuer);
        services.AddSingleton(options);
        // Cookies and antiforgery tokens are sealed with these keys, kept in the store every node shares.
        services.AddDataProtection().SetApplicationName("airlock-console");
        services.AddOptions<KeyManagementOptions>().Configure<IStateDatabase, SecretSeal, TimeProvider>((keys, database, seal, time) =>
            keys.XmlRepository = new StoreKeyRepository(database, seal, time));
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieScheme;
                o.DefaultChallengeScheme = OidcScheme;
            })
            .AddCookie(CookieScheme, cookie =>
            {
                cookie.Cookie.Name = "airlock-console";
                cookie.Cookie.Path = ConsoleOptions.PathBase;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                // Lax, not Strict: the login lands here from the issuer's site, and must find its session on arrival.
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.ExpireTimeSpan = TimeSpan.FromMinutes(options.IdleMinutes);
                cookie.SlidingExpiration = true;
                cookie.AccessDeniedPath = ConsoleOptions.PathBase + "/denied";
                cookie.Events.OnValidatePrincipal = context =>
                {
                    var time = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
                    if (ConsoleUser.From(context.Principal!) is not { } user || user.Outlived(time.GetUtcNow(), options))
                    {
                        context.RejectPrincipal();
                        return context.HttpContext.SignOutAsync(CookieScheme);
                    }

                    return Task.CompletedTask;
                };
            })
            .AddOpenIdConnect(OidcScheme, oidc =>
            {
                oidc.Authority = issuer.Issuer;
                oidc.RequireHttpsMetadata = issuer.RequiresHttps;
                oidc.ClientId = options.ClientId;
                oidc.ClientSecret = options.ClientSecretEnv is { } env ? Environment.GetEnvironmentVariable(env) : null;
                oidc.ResponseType = "code";
                // The code comes back in the query, a top-level GET: SameSite=Lax cookies (state, nonce) are sent with it.
                oidc.ResponseMode = "query";
                oidc.UsePkce = true;
                // Every path the handler answers lies under the console's, never where an AWS call may go.
                oidc.CallbackPath = ConsoleOptions.PathBase + "/signin-oidc";
                oidc.SignedOutCallbackPath = ConsoleOptions.PathBase + "/signout-callback-oidc";
                oidc.RemoteSignOutPath = ConsoleOptions.PathBase + "/signout-oidc";
                oidc.Scope.Clear();
                foreach (var scope in options.Scopes)
                {
                    oidc.Scope.Add(scope);
                }

                oidc.MapInboundClaims = false;
                oidc.SaveTokens = false;
                oidc.GetClaimsFromUserInfoEndpoint = false;
                oidc.TokenValidationParameters.ValidIssuer = issuer.Issuer;
                oidc.TokenValidationParameters.ValidAudience = options.ClientId;
                oidc.TokenValidationParameters.ValidAlgorithms = issuer.Algorithms;
                oidc.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(issuer.ClockSkewSeconds);
                foreach (var cookie in new[] { oidc.CorrelationCookie, oidc.NonceCookie })
                {
                    cookie.Path = ConsoleOptions.PathBase;
                    cookie.SameSite = SameSiteMode.Lax;
                    cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                }

                oidc.Events.OnTokenValidated = context => ConsoleLogin.AcceptAsync(context, issuer, options);
                oidc.Events.OnRemoteFailure = ConsoleLogin.RefusedAsync;
            });
        services.AddAuthorization();
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "airlock-console-csrf";
            antiforgery.Cookie.Path = ConsoleOptions.PathBase;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddRazorPages(pages =>
        {
            pages.RootDirectory = "/WebConsole/Pages";
            pages.Conventions.AuthorizeFolder("/");
            pages.Conventions.AllowAnonymousToPage("/SignedOut");
        });
        services.AddSingleton<ApprovalsFeed>();
        return services;
    }
}
