namespace Airlock.Approvals;

internal static class SlackEndpoints
{
    /// <summary>Slack's request URL for the buttons, when Slack may decide.</summary>
    public static void MapSlackInteractions(this WebApplication app)
    {
        if (app.Services.GetService<SlackInteractions>() is { } slack)
        {
            app.MapPost(SlackInteractions.Path, (HttpContext http, CancellationToken ct) => slack.HandleAsync(http, ct));
        }
    }
}
