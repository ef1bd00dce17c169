using System.Globalization;
using System.Net;
using Airlock.Primitives;

namespace Airlock.Policy;

/// <summary>IAM's condition operators, with IfExists and the ForAnyValue / ForAllValues set operators.</summary>
internal static class ConditionEvaluator
{
    private static readonly HashSet<string> Operators = new(StringComparer.Ordinal)
    {
        "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
        "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
        "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
        "Bool", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
    };

    public static bool IsKnownOperator(string op)
    {
        var (_, name, _) = Split(op);
        return Operators.Contains(name) && !(name == "Null" && op != "Null");
    }

    public static bool Evaluate(PolicyCondition condition, PolicyRequest request)
    {
        var (set, name, ifExists) = condition.Parts;
        var values = request.Values(condition.Key);
        if (name == "Null")
        {
            return condition.Values.Contains("true", StringComparer.OrdinalIgnoreCase) == (values.Count == 0);
        }

        var negated = IsNegated(name);
        if (values.Count == 0)
        {
            // IAM: a missing key fails positive operators, passes negated ones and ForAllValues, passes anything with IfExists.
            return ifExists || set == "ForAllValues" || (set is null && negated);
        }

        // ForAllValues, and a multi-valued key under a negated operator: every value must pass.
        // ForAnyValue, and any key under a positive operator: one value passing is enough.
        var all = set == "ForAllValues" || (set is null && negated);
        for (var i = 0; i < values.Count; i++)
        {
            var passes = MatchesAny(name, negated, values[i], condition.Values);
            if (all && !passes)
            {
                return false;
            }

            if (!all && passes)
            {
                return true;
            }
        }

        return all;
    }

    /// <summary>Positive operators: the value matches one of the policy's values. Negated: it matches none.</summary>
    private static bool MatchesAny(string name, bool negated, string value, IReadOnlyList<string> policyValues)
    {
        var positive = negated ? Positive(name) : name;
        var any = false;
        for (var i = 0; i < policyValues.Count && !any; i++)
        {
            any = Match(positive, value, policyValues[i]);
        }

        return negated ? !any : any;
    }

    private static bool Match(string op, string value, string policyValue) => op switch
    {
        "StringEquals" => string.Equals(value, policyValue, StringComparison.Ordinal),
        "StringEqualsIgnoreCase" => string.Equals(value, policyValue, StringComparison.OrdinalIgnoreCase),
        "StringLike" or "ArnLike" or "ArnEquals" => Wildcard.Matches(policyValue, value, ignoreCase: false),
        "Bool" => string.Equals(value, policyValue, StringComparison.OrdinalIgnoreCase),
        "IpAddress" => IPAddress.TryParse(value, out var ip) && InNetwork(ip, policyValue),
        _ when op.StartsWith("Numeric", StringComparison.Ordinal) =>
            double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
            && double.TryParse(policyValue, NumberStyles.Float, CultureInfo.InvariantCulture, out var b)
            && Compare(op["Numeric".Length..], a.CompareTo(b)),
        _ when op.StartsWith("Date", StringComparison.Ordinal) =>
            TryDate(value, out var x) && TryDate(policyValue, out var y) && Compare(op["Date".Length..], x.CompareTo(y)),
        _ => false,
    };

    private static bool Compare(string relation, int order) => relation switch
    {
        "Equals" => order == 0,
        "LessThan" => order < 0,
        "LessThanEquals" => order <= 0,
        "GreaterThan" => order > 0,
        "GreaterThanEquals" => order >= 0,
        _ => false,
    };

    private static bool InNetwork(IPAddress ip, string cidr)
    {
        if (IPNetwork.TryParse(cidr, out var network))
        {
            return network.Contains(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);
        }

        return IPAddress.TryParse(cidr, out var single) && single.Equals(ip);
    }

    public static bool TryDate(string text, out DateTimeOffset date)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            date = DateTimeOffset.FromUnixTimeSeconds(epoch);
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out date);
    }

    private static bool IsNegated(string name) => name.Contains("Not", StringComparison.Ordinal);

    private static string Positive(string name) => name switch
    {
        "NotIpAddress" => "IpAddress",
        "StringNotEquals" => "StringEquals",
        "StringNotEqualsIgnoreCase" => "StringEqualsIgnoreCase",
        "StringNotLike" => "StringLike",
        "NumericNotEquals" => "NumericEquals",
        "DateNotEquals" => "DateEquals",
        "ArnNotEquals" => "ArnEquals",
        "ArnNotLike" => "ArnLike",
        _ => name,
    };

    public static (string? Set, string Name, bool IfExists) Split(string op)
    {
        string? set = null;
        var colon = op.IndexOf(':');
        if (colon > 0)
        {
            set = op[..colon];
            op = op[(colon + 1)..];
            if (set is not ("ForAnyValue" or "ForAllValues"))
            {
                return (set, "", false);
            }
        }

        var ifExists = op.EndsWith("IfExists", StringComparison.Ordinal);
        return (set, ifExists ? op[..^"IfExists".Length] : op, ifExists);
    }
}
