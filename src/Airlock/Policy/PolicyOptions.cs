namespace Airlock.Policy;

/// <summary>The policy document: statements evaluated on every call.</summary>
internal sealed class PolicyOptions
{
    public List<StatementOptions> Statements { get; set; } = [];
}

/// <summary>One statement: who, which actions, which connections, and the effect.</summary>
internal sealed class StatementOptions
{
    public string? Sid { get; set; }

    /// <summary><c>Allow</c> or <c>Deny</c>.</summary>
    public string Effect { get; set; } = "";

    /// <summary>Groups from the caller's token; <c>*</c> for anyone.</summary>
    public List<string> Groups { get; set; } = [];

    /// <summary>Token subjects, as an alternative to groups.</summary>
    public List<string> Subjects { get; set; } = [];

    /// <summary>IAM-style actions (<c>s3:Get*</c>, <c>dynamodb:*</c>), case-insensitive.</summary>
    public List<string> Actions { get; set; } = [];

    /// <summary>Connection names this statement covers; all when empty.</summary>
    public List<string> Connections { get; set; } = [];
}
