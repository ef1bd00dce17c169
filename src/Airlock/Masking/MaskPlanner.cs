using System.Collections.Concurrent;
using Airlock.Aws.Catalog;
using Airlock.Aws.Resolution;
using Airlock.Masking.Detectors;
using Airlock.Primitives;

namespace Airlock.Masking;

/// <summary>
/// Combines the three sources of masking (the models' sensitive members, configured rules, content detectors)
/// into the plan for one operation and one caller, leaving out the sources the caller's groups are exempt from.
/// </summary>
internal sealed class MaskPlanner
{
    private readonly MaskingOptions _options;
    private readonly Masker _masker;
    private readonly CompiledRule[] _rules;
    private readonly (Detector Detector, MaskStyle Style, List<string> UnmaskedFor)[] _detectors;
    private readonly ConcurrentDictionary<(OperationModel, ulong), MaskPlan> _plans = new();

    public MaskPlanner(MaskingOptions options, Masker masker)
    {
        _options = options;
        _masker = masker;
        _rules = options.Rules.Select((r, i) => new CompiledRule(r.Name ?? $"rule{i + 1}", r, FieldPath.Parse(r.Path))).ToArray();
        _detectors = BuiltInDetectors.All
            .Select(d => (Detector: d, Options: options.Detectors.GetValueOrDefault(d.Name) ?? new MaskSourceOptions()))
            .Where(d => d.Options.Enabled)
            .Select(d => (d.Detector, d.Options.Style ?? d.Detector.DefaultStyle, d.Options.UnmaskedFor))
            .ToArray();
        Recording = new DetectorSet(_detectors.Select(d => (d.Detector, d.Style)).ToArray(), masker);
        RecordingPlan = new MaskPlan(new(), new(), new Dictionary<string, FieldMask>(), null, Recording, new HashSet<string>(), false);
    }

    public Masker Masker => _masker;

    public MaskingOptions Options => _options;

    /// <summary>Every enabled detector, whoever the caller: what the audit trail and approvals keep is masked for everyone.</summary>
    public DetectorSet Recording { get; }

    /// <summary><see cref="Recording"/>'s detectors as a plan for a json body, which they read member by member.</summary>
    public MaskPlan RecordingPlan { get; }

    public MaskPlan Plan(ServiceModel service, OperationModel operation, string action, IReadOnlyCollection<string> groups)
    {
        if (!_options.Enabled)
        {
            return MaskPlan.None;
        }

        // Which sources apply, as bits: the model, then each detector, then each rule.
        ulong active = 0;
        var bit = 0;
        Set(ref active, bit++, _options.Model.Enabled && !Exempt(_options.Model.UnmaskedFor, groups));
        foreach (var d in _detectors)
        {
            Set(ref active, bit++, !Exempt(d.UnmaskedFor, groups));
        }

        foreach (var rule in _rules)
        {
            Set(ref active, bit++, rule.Options.Enabled && Wildcard.Matches(rule.Options.Action, action) && !Exempt(rule.Options.UnmaskedFor, groups));
        }

        return bit <= 64
            ? _plans.GetOrAdd((operation, active), static (key, state) => state.Planner.Build(state.Service, key.Item1, key.Item2), (Planner: this, Service: service))
            : Build(service, operation, active);
    }

    /// <summary>The masking of a call's response: the caller's plan (their exemptions applied) and the audit trail's (none); null when nothing is masked.</summary>
    public ResponseMasking? ForResponse(ResolvedOperation call, IReadOnlyCollection<string> groups)
    {
        var caller = Plan(call.Service, call.Operation, call.Action, groups);
        if (caller.IsEmpty)
        {
            return null;
        }

        return new ResponseMasking(caller, Plan(call.Service, call.Operation, call.Action, []), call.Service, call.Operation,
            _masker, _options.MaxBodyBytes, _options.AuditResponseBytes, _options.Objects.ContentTypes, call.WireProtocol);
    }

    /// <summary>
    /// How much of a response that is not masked the record keeps: only where masking would change nothing even for a
    /// caller with no exemptions (so an exempt caller's unmasked view never reaches the trail), and never object data.
    /// </summary>
    public int RecordedResponseBytes(ResolvedOperation call) =>
        call.Operation.RawOutput is null && Plan(call.Service, call.Operation, call.Action, []).IsEmpty ? _options.AuditResponseBytes : 0;

    /// <summary>The name a form parameter's value is judged by: its pair's name (<c>….ParameterValue</c>), or its own.</summary>
    public static string FieldOf(IReadOnlyDictionary<string, string> form, string parameter) =>
        NameValuePairs.NameInForm(parameter, name => form.GetValueOrDefault(name)) ?? parameter;

    /// <summary>A call's parameters as the audit trail and approvals keep them: every detector's finds masked.</summary>
    public IReadOnlyDictionary<string, string> MaskRecorded(IReadOnlyDictionary<string, string> parameters)
    {
        if (!_options.Enabled || Recording.IsEmpty)
        {
            return parameters;
        }

        var hits = new List<string>();
        return parameters.ToDictionary(p => p.Key, p => Recording.Apply(p.Value, FieldOf(parameters, p.Key), hits) ?? p.Value, StringComparer.Ordinal);
    }

    private MaskPlan Build(ServiceModel service, OperationModel operation, ulong active)
    {
        var json = new PathTrie<FieldMask>();
        var xml = new PathTrie<FieldMask>();
        var headers = new Dictionary<string, FieldMask>(StringComparer.OrdinalIgnoreCase);
        FieldMask? payload = null;
        var bit = 0;
        if (IsSet(active, bit++))
        {
            var style = _options.Model.Style ?? MaskStyle.Full;
            // json and CBOR bodies share the members' names; xml ones have their own paths, kept apart for query calls
            // to services spoken in json or CBOR (CloudWatch, SQS).
            var body = WireProtocol.IsXml(service.Protocol) ? xml : json;
            foreach (var member in operation.SensitiveOutputQuery.Where(m => m.Location == OutputLocation.Body))
            {
                xml.Add(member.Path.Split('/'), new FieldMask("model", style, member.Kind));
            }

            foreach (var member in operation.SensitiveOutput)
            {
                var mask = new FieldMask("model", style, member.Kind);
                switch (member.Location)
                {
                    case OutputLocation.Header:
                        headers.TryAdd(member.Path, mask);
                        break;
                    case OutputLocation.Payload:
                        payload ??= mask;
                        break;
                    default:
                        body.Add(member.Path.Split('/'), mask);
                        break;
                }
            }
        }

        var detectors = new List<(Detector, MaskStyle)>();
        foreach (var d in _detectors)
        {
            if (IsSet(active, bit++))
            {
                detectors.Add((d.Detector, d.Style));
            }
        }

        foreach (var rule in _rules)
        {
            if (IsSet(active, bit++))
            {
                (rule.Path.IsJson ? json : xml).Add(rule.Path.Segments, new FieldMask("rule:" + rule.Name, rule.Options.Style ?? MaskStyle.Full, ScalarKind.String));
            }
        }

        return new MaskPlan(json, xml, headers, payload, new DetectorSet(detectors, _masker),
            operation.PageTokens.ToHashSet(StringComparer.Ordinal), _options.Objects.Scan);
    }

    // Asked for every source on every call: a loop, where a lambda allocated a closure each time.
    private static bool Exempt(List<string> unmaskedFor, IReadOnlyCollection<string> groups)
    {
        if (unmaskedFor.Count == 0)
        {
            return false;
        }

        foreach (var group in groups)
        {
            if (unmaskedFor.Contains(group, StringComparer.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static void Set(ref ulong bits, int bit, bool on)
    {
        if (on && bit < 64)
        {
            bits |= 1UL << bit;
        }
    }

    // Past 64 sources the cache key cannot hold them all: those sources always apply (masking more, never less).
    private static bool IsSet(ulong bits, int bit) => bit >= 64 || (bits & (1UL << bit)) != 0;

    private sealed record CompiledRule(string Name, MaskRuleOptions Options, FieldPath Path);
}
