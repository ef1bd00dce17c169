namespace Airlock.Approvals;

internal static class SlackEndpoints
{
    /// <summary>Slack's request URL for the buttons, when Slack may decide.</summary>
    public static void MapSlackInteractions(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetService<SlackInteractions>() is { } slack)
        {
            app.MapPost(SlackInteractions.Path, (HttpContext http, CancellationToken ct) => slack.HandleAsync(http, ct));
        }
    }
}
