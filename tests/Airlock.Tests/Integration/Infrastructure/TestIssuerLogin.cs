using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Airlock.Tests.Integration.Infrastructure;

/// <summary>
/// The issuer's login for people: the authorization code flow with PKCE (S256 only), as an IdP runs it. Its login page
/// is a form where the browser types who it is (a subject and its groups); the code it returns is good once, for the
/// client, redirect URI and code verifier it was issued for.
/// </summary>
public sealed partial class TestIssuer
{
    private readonly ConcurrentDictionary<string, PendingCode> _codes = new(StringComparer.Ordinal);

    private sealed record PendingCode(string ClientId, string RedirectUri, string Challenge, string? Nonce, string Subject, string[] Groups);

    /// <summary>Token requests answered, each with whether it carried a code verifier that matched (PKCE in use).</summary>
    public ConcurrentQueue<(string ClientId, bool VerifierMatched)> CodeExchanges { get; } = new();

    private void MapLogin(WebApplication app)
    {
        app.MapGet("/authorize", (HttpRequest request) =>
        {
            var q = request.Query;
            if (q["response_type"] != "code" || string.IsNullOrEmpty(q["client_id"]) || string.IsNullOrEmpty(q["redirect_uri"])
                || q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"]))
            {
                return Results.BadRequest("authorization code with PKCE (S256) only");
            }

            var hidden = string.Concat(new[] { "client_id", "redirect_uri", "state", "nonce", "code_challenge" }
                .Select(k => $"<input type=\"hidden\" name=\"{k}\" value=\"{WebUtility.HtmlEncode(q[k].ToString())}\">"));
            return Results.Content($"""
                <!DOCTYPE html><html><head><title>Test issuer login</title></head><body>
                <form method="post" action="/authorize">{hidden}
                <label>Subject <input name="subject" id="subject"></label>
                <label>Groups <input name="groups" id="groups"></label>
                <button type="submit" id="login">Log in</button>
                </form></body></html>
                """, "text/html");
        });
        app.MapPost("/authorize", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var code = RandomNumberGenerator.GetHexString(32, lowercase: true);
            _codes[code] = new PendingCode(form["client_id"]!, form["redirect_uri"]!, form["code_challenge"]!, form["nonce"], form["subject"]!,
                form["groups"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            var redirect = $"{form["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(form["state"].ToString())}&iss={Uri.EscapeDataString(Issuer)}";
            return Results.Redirect(redirect);
        });
        app.MapPost("/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (form["grant_type"] != "authorization_code" || !_codes.TryRemove(form["code"].ToString(), out var pending)
                || pending.ClientId != form["client_id"] || pending.RedirectUri != form["redirect_uri"])
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }

            var verifier = form["code_verifier"].ToString();
            var matched = verifier.Length >= 43 && Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) == pending.Challenge;
            CodeExchanges.Enqueue((pending.ClientId, matched));
            if (!matched)
            {
                return Results.Json(new { error = "invalid_grant", error_description = "code_verifier" }, statusCode: 400);
            }

            return Results.Json(new { id_token = IdToken(pending), access_token = "at-" + RandomNumberGenerator.GetHexString(16, true), token_type = "Bearer", expires_in = 300 });
        });
    }

    private string IdToken(PendingCode pending)
    {
        var claims = new List<Claim> { new("sub", pending.Subject) };
        claims.AddRange(pending.Groups.Select(g => new Claim("groups", g)));
        if (pending.Nonce is { Length: > 0 } nonce)
        {
            claims.Add(new Claim("nonce", nonce));
        }

        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = pending.ClientId,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            SigningCredentials = new SigningCredentials(_rsa, SecurityAlgorithms.RsaSha256),
        });
    }
}
