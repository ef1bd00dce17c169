namespace Airlock.Primitives;

/// <summary>Caller input quoted in a refusal: cut, so a hostile name cannot make the answer as large as the body.</summary>
internal static class Quoted
{
    public static string Short(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
