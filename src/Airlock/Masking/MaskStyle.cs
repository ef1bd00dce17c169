namespace Airlock.Masking;

/// <summary>How a masked value is shown to the caller.</summary>
internal enum MaskStyle
{
    /// <summary><c>****</c>: nothing of the value is left.</summary>
    Full,

    /// <summary><c>****1234</c>: the last four characters stay, for values of twelve characters or more.</summary>
    Partial,

    /// <summary><c>masked:sha256:…</c>: a keyed hash, the same for the same value within an installation.</summary>
    Hash,
}
