using Airlock.Approvals;
using Airlock.Audit;
using Airlock.Demo;
using Airlock.Gateway;

namespace Airlock.Hosting;

/// <summary>
/// Airlock's own endpoints on the API's listener, all under <c>/_airlock</c> ("_airlock" can never be an S3 bucket
/// name, so these paths cannot shadow a path-style AWS call; a virtual-hosted S3 call for an object whose key starts
/// with <c>_airlock/</c> is signed, and a signed request never enters). They are routed in a branch of their own: an AWS call
/// never passes endpoint routing, and a gateway that only takes AWS calls and health probes never builds the route
/// table, its request delegates or their JSON contracts (a fresh gateway's first probe cost 5.8 MB with them, 2.6 without).
/// The endpoints themselves are mapped when the first request other than a probe enters the branch: a gateway that
/// has served none holds ~0.7 MB less.
/// </summary>
internal static class OwnEndpoints
{
    public const string PathBase = "/_airlock";
    public const string HealthPath = PathBase + "/health";

    public static void UseAirlockOwnEndpoints(this WebApplication app, DemoIssuer? demoIssuer)
    {
        // Paths compared as routing compares them: ignoring case (no bucket name has capitals), a trailing slash allowed.
        app.MapWhen(static http => http.Request.Path.StartsWithSegments(PathBase, StringComparison.OrdinalIgnoreCase) && !AwsSignature.IsCarriedBy(http.Request), own =>
        {
            // Probes come often and need nothing from routing.
            own.Use(static (http, next) => IsHealth(http.Request.Path) ? AnswerHealthAsync(http) : next(http));
            var routed = new Lazy<RequestDelegate>(() => Routed(own.New(), demoIssuer));
            own.Run(http => routed.Value(http));
        });
    }

    private static RequestDelegate Routed(IApplicationBuilder branch, DemoIssuer? demoIssuer)
    {
        branch.UseRouting();
        branch.UseEndpoints(endpoints =>
        {
            demoIssuer?.Map(endpoints);
            endpoints.MapApprovals();
            endpoints.MapGrants();
            endpoints.MapSlackInteractions();
            endpoints.MapAudit();
        });
        // A path no endpoint takes goes on as an AWS call would, to be answered in AWS's terms.
        branch.Run(branch.ApplicationServices.GetRequiredService<GatewayHandler>().HandleAsync);
        return branch.Build();
    }

    private static bool IsHealth(PathString path) =>
        path.StartsWithSegments(HealthPath, StringComparison.OrdinalIgnoreCase, out var rest) && (!rest.HasValue || rest.Value == "/");

    /// <summary>The process answers: <c>ok</c> to GET and HEAD, 405 to other methods.</summary>
    private static Task AnswerHealthAsync(HttpContext http)
    {
        var response = http.Response;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "GET, HEAD";
            return Task.CompletedTask;
        }

        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = 2;
        return HttpMethods.IsHead(http.Request.Method) ? Task.CompletedTask : response.WriteAsync("ok");
    }
}
