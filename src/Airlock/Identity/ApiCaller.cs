using Microsoft.AspNetCore.Http.HttpResults;

namespace Airlock.Identity;

/// <summary>Who calls Airlock's own HTTP APIs (approvals, grants, audit): the holder of a valid OIDC bearer token.</summary>
internal static class ApiCaller
{
    public static async Task<ValidatedIdentity?> FromAsync(HttpContext http, TokenValidator tokens, CancellationToken ct)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return (await tokens.ValidateAsync(header["Bearer ".Length..], ct)).Identity;
    }

    public static ProblemHttpResult Unauthorized() =>
        TypedResults.Problem("Send your OIDC token as 'Authorization: Bearer <token>'; it is missing or not valid.", statusCode: 401);
}
