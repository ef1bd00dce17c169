using System.Text.Json;
using System.Text.Json.Nodes;

namespace Airlock.Approvals;

/// <summary>The Slack messages about a held call: the notification (with Approve / Deny buttons when Slack may decide), and its updates.</summary>
internal static class SlackMessages
{
    public const string Approve = "airlock.approve";
    public const string Deny = "airlock.deny";

    public static string Notification(Approval approval, string decideUrl, bool interactive)
    {
        var text = $"Airlock: {approval.Requester} asks to run {approval.Action} on {string.Join(", ", approval.Resources)} ({approval.Status}). Decide: {decideUrl}";
        if (!interactive || approval.Status != "pending")
        {
            return JsonSerializer.Serialize(new { text }, JsonSerializerOptions.Web);
        }

        return new JsonObject
        {
            ["text"] = text,
            ["blocks"] = new JsonArray(Summary(approval, decideUrl), Buttons(approval.Id)),
        }.ToJsonString();
    }

    /// <summary>Replaces the notification once a decision is taken: who decided, and the buttons while the approval still waits for more votes.</summary>
    public static string Decided(Approval approval, Decider decider, string decision, string decideUrl)
    {
        var said = $"{(decision == "approve" ? "Approved" : "Denied")} by {decider.Subject} (Slack); the approval is now {approval.Status}.";
        var blocks = new JsonArray(Summary(approval, decideUrl), Context(said));
        if (approval.Status == "pending")
        {
            blocks.Add(Buttons(approval.Id));
        }

        return new JsonObject { ["replace_original"] = true, ["text"] = said, ["blocks"] = blocks }.ToJsonString();
    }

    /// <summary>Shown only to the one who clicked: why nothing changed.</summary>
    public static string Refused(string why) =>
        new JsonObject { ["response_type"] = "ephemeral", ["replace_original"] = false, ["text"] = $"Airlock: {why}" }.ToJsonString();

    private static JsonObject Summary(Approval approval, string decideUrl) => new()
    {
        ["type"] = "section",
        ["text"] = Markdown($"*{Escape(approval.Requester)}* asks to run *{Escape(approval.Action)}* through *{Escape(approval.Connection)}*\n"
            + $"on {Escape(string.Join(", ", approval.Resources))}\n{Escape(approval.Reason ?? "")}\nDecided by {Escape(approval.Deciders)} · <{decideUrl}|details>"),
    };

    private static JsonObject Context(string text) => new() { ["type"] = "context", ["elements"] = new JsonArray(Markdown(Escape(text))) };

    private static JsonObject Buttons(string id) => new()
    {
        ["type"] = "actions",
        ["block_id"] = "airlock.decide",
        ["elements"] = new JsonArray(
            new JsonObject { ["type"] = "button", ["action_id"] = Approve, ["value"] = id, ["style"] = "primary", ["text"] = Plain("Approve") },
            new JsonObject { ["type"] = "button", ["action_id"] = Deny, ["value"] = id, ["style"] = "danger", ["text"] = Plain("Deny") }),
    };

    private static JsonObject Markdown(string text) => new() { ["type"] = "mrkdwn", ["text"] = text };

    private static JsonObject Plain(string text) => new() { ["type"] = "plain_text", ["text"] = text };

    // Slack's mrkdwn treats &, < and > as control characters; a resource or principal name must not become a link or mention.
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
