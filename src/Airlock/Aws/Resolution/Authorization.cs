namespace Airlock.Aws.Resolution;

/// <summary>
/// One more permission a call needs besides its own action, as IAM requires it: reading the source of a copy
/// (<c>s3:GetObject</c>), deleting each key of a multi-object delete (<c>s3:DeleteObject</c>).
/// </summary>
/// <param name="Action">The IAM action (<c>s3:GetObject</c>).</param>
/// <param name="AccessLevel">Its IAM access level (Read, Write, …), which <c>AccessLevel</c> statements match.</param>
/// <param name="Why">What it is for, in the refusal and the record (<c>the copy source</c>).</param>
internal sealed record Authorization(string Action, string AccessLevel, IReadOnlyList<string> Resources, string Why);

/// <summary>What a call needs as IAM authorizes it: its own resources where they are not the derived ones, and every other permission.</summary>
/// <param name="Resources">The call's resources (each key of a multi-delete, each table of a transaction); null: as derived from its parameters.</param>
internal sealed record CallNeeds(IReadOnlyList<string>? Resources, IReadOnlyList<Authorization> AlsoRequires)
{
    public static CallNeeds AsDerived { get; } = new(null, []);

    /// <summary>
    /// The IAM action and access level the call itself is authorized as where the call's body says which (a PartiQL
    /// statement's verb), not the catalog; null: the catalog's.
    /// </summary>
    public Authorization? AuthorizedAs { get; init; }

    /// <summary>Why the call cannot be authorized as IAM would (a statement Airlock cannot read): it is refused; null when it can.</summary>
    public string? Unread { get; init; }

    public static CallNeeds Unreadable(string why) => new(null, []) { Unread = why };
}
