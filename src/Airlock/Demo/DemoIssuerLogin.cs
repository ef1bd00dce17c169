using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Airlock.Demo;

/// <summary>
/// DEMO ONLY. The demo issuer's login for the console: the authorization code flow with PKCE, where the "login" is a
/// choice between a demo approver and a demo auditor. Codes are kept in memory, good once, for a few minutes, and only
/// for redirects back to this gateway's console.
/// </summary>
internal sealed partial class DemoIssuer
{
    public const string ConsoleClientId = "airlock-console";
    public const string ApproversGroup = "approvers", AuditorsGroup = "auditors";

    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(2);
    private readonly ConcurrentDictionary<string, LoginCode> _codes = new(StringComparer.Ordinal);

    private sealed record LoginCode(string RedirectUri, string Challenge, string? Nonce, string Subject, string Group, DateTimeOffset Expires);

    private static readonly Dictionary<string, (string Subject, string Group)> People = new(StringComparer.Ordinal)
    {
        ["approver"] = ("demo-approver", ApproversGroup),
        ["auditor"] = ("demo-auditor", AuditorsGroup),
    };

    private void MapConsoleLogin(IEndpointRouteBuilder app)
    {
        app.MapGet(PathBase + "/authorize", (HttpRequest request) =>
        {
            var q = request.Query;
            if (q["response_type"] != "code" || q["client_id"] != ConsoleClientId || !IsConsoleRedirect(q["redirect_uri"])
                || q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"]))
            {
                return Results.BadRequest("The demo issuer logs in only Airlock's own console, with the authorization code flow and PKCE (S256).");
            }

            var hidden = string.Concat(new[] { "redirect_uri", "state", "nonce", "code_challenge" }
                .Select(k => $"<input type=\"hidden\" name=\"{k}\" value=\"{WebUtility.HtmlEncode(q[k].ToString())}\">"));
            return Results.Content($"""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Airlock demo login (DEMO ONLY)</title></head>
                <body style="font: 16px system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem">
                <p style="background: #fff8c5; padding: .75rem; border-radius: 6px"><strong>DEMO ONLY.</strong> This is Airlock's built-in demo
                issuer: anyone can log in as anyone. <code>airlock serve</code> never enables it; a real deployment logs in at your company's issuer.</p>
                <h1 style="font-size: 1.3rem">Log in to the Airlock console as</h1>
                <form method="post">{hidden}
                <p><button name="who" value="approver" style="font: inherit; padding: .5rem 1rem">Demo approver</button> decides held calls (group <code>{ApproversGroup}</code>)</p>
                <p><button name="who" value="auditor" style="font: inherit; padding: .5rem 1rem">Demo auditor</button> reads the trail, decides nothing (group <code>{AuditorsGroup}</code>)</p>
                </form></body></html>
                """, "text/html; charset=utf-8");
        });
        app.MapPost(PathBase + "/authorize", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (!People.TryGetValue(form["who"].ToString(), out var person) || !IsConsoleRedirect(form["redirect_uri"]) || string.IsNullOrEmpty(form["code_challenge"]))
            {
                return Results.BadRequest("Choose the demo approver or the demo auditor.");
            }

            var code = RandomNumberGenerator.GetHexString(32, lowercase: true);
            _codes[code] = new LoginCode(form["redirect_uri"]!, form["code_challenge"]!, form["nonce"], person.Subject, person.Group, Now() + CodeLifetime);
            return Results.Redirect($"{form["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(form["state"].ToString())}");
        });
        app.MapPost(PathBase + "/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (form["grant_type"] != "authorization_code" || form["client_id"] != ConsoleClientId || !_codes.TryRemove(form["code"].ToString(), out var login)
                || login.Expires < Now() || login.RedirectUri != form["redirect_uri"]
                || Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))) != login.Challenge)
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }

            var idToken = MintToken(login.Subject, [login.Group], TimeSpan.FromMinutes(5), ConsoleClientId, login.Nonce);
            return Results.Json(new { id_token = idToken, token_type = "Bearer", expires_in = 300, access_token = RandomNumberGenerator.GetHexString(32, true) });
        });
    }

    private bool IsConsoleRedirect(string? uri) => uri == gatewayUrl.TrimEnd('/') + "/console/signin-oidc";

    private DateTimeOffset Now() => (time ?? TimeProvider.System).GetUtcNow();
}
