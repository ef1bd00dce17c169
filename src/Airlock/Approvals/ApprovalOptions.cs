namespace Airlock.Approvals;

/// <summary>How long calls are held and approvals live.</summary>
internal sealed class ApprovalOptions
{
    /// <summary>How long a call under review is held open waiting for a decision; under the SDKs' read timeouts.</summary>
    public int HoldSeconds { get; set; } = 25;

    /// <summary>How long a pending approval can still be decided, and an approved one used by the retry.</summary>
    public int TtlSeconds { get; set; } = 3600;

    /// <summary>Where to tell approvers about new held calls and decisions.</summary>
    public List<WebhookOptions> Webhooks { get; set; } = [];

    /// <summary>The groups whose members decide time-boxed grant requests.</summary>
    public List<string> GrantApprovers { get; set; } = [];

    /// <summary>The longest grant anyone may ask for, in seconds.</summary>
    public int MaxGrantSeconds { get; set; } = 12 * 3600;

    /// <summary>Approve / Deny buttons in Slack notifications, and the endpoint Slack posts the clicks to; off unless configured.</summary>
    public SlackOptions Slack { get; set; } = new();

    /// <summary>Where approvers decide; shown in AirlockApprovalPending messages. Defaults to the gateway's first listen URL.</summary>
    public string? PublicUrl { get; set; }
}

/// <summary>One notification target.</summary>
internal sealed class WebhookOptions
{
    public string Url { get; set; } = "";

    /// <summary><c>json</c> (Airlock's event) or <c>slack</c> (an incoming-webhook message with a link to decide).</summary>
    public string Format { get; set; } = "json";
}
