using System.Reflection;
using Airlock.Gateway;

namespace Airlock.WebConsole;

/// <summary>Where the console is answered, and with what: its pages, the live feed, its two static files.</summary>
internal static class ConsoleEndpoints
{
    /// <summary>
    /// On its own listener, everything that arrives there. Otherwise requests for <c>/console</c> on the API's listeners
    /// that carry no AWS signature: a browser sends none, and every AWS call through Airlock must be signed, so no AWS
    /// call (an S3 bucket named "console", say) is ever taken for the console, nor a console page for an AWS call.
    /// </summary>
    public static bool IsConsoleRequest(HttpContext http, ConsoleOptions options)
    {
        if (options.Port is { } port)
        {
            return http.Connection.LocalPort == port;
        }

        var path = http.Request.Path;
        return (path.Equals(ConsoleOptions.PathBase, StringComparison.Ordinal) || path.StartsWithSegments(ConsoleOptions.PathBase, StringComparison.Ordinal))
            && !http.Request.Headers.ContainsKey("Authorization") && !AwsSignature.IsPresigned(http.Request);
    }

    public static void UseAirlockConsole(this WebApplication app, ConsoleOptions options)
    {
        if (!options.Enabled)
        {
            return;
        }

        // WebApplication puts authentication and authorization in front of the whole pipeline when their services exist
        // and its own pipeline has not added them: every AWS call would then pass the console's cookie and OpenID Connect
        // handlers, and the latter answers its sign-out paths itself (an S3 bucket named signout-oidc would get an empty
        // 200 from Airlock, never reaching AWS nor the audit). The console adds them in its branch only; these are the
        // properties UseAuthentication and UseAuthorization set, which tell WebApplication they are in place.
        var properties = ((IApplicationBuilder)app).Properties;
        properties["__AuthenticationMiddlewareSet"] = true;
        properties["__AuthorizationMiddlewareSet"] = true;
        app.MapWhen(http => IsConsoleRequest(http, options), console =>
        {
            console.Use(ConsoleSecurityHeaders.ApplyAsync);
            console.UseRouting();
            console.UseAuthentication();
            console.UseAuthorization();
            console.UseAntiforgery();
            console.UseEndpoints(endpoints =>
            {
                endpoints.MapRazorPages();
                endpoints.MapGet(ConsoleOptions.PathBase + "/events", (HttpContext http, ApprovalsFeed feed) => feed.StreamAsync(http)).RequireAuthorization();
                var script = Static("console.js");
                var styles = Static("console.css");
                endpoints.MapGet(ConsoleOptions.PathBase + "/static/console.js", () => Results.Text(script, "text/javascript; charset=utf-8"));
                endpoints.MapGet(ConsoleOptions.PathBase + "/static/console.css", () => Results.Text(styles, "text/css; charset=utf-8"));
            });
            console.Run(http =>
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
        });
    }

    /// <summary>One of the console's two static files, read from the assembly once, when the console is mapped.</summary>
    private static string Static(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("console." + name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
