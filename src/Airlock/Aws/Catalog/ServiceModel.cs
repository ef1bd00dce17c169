using System.Text.Json.Serialization;

namespace Airlock.Aws.Catalog;

/// <summary>One AWS service as the official model describes it, reduced to what routing needs.</summary>
internal sealed record ServiceModel
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("protocol")] public required string Protocol { get; init; }
    [JsonPropertyName("signingName")] public required string SigningName { get; init; }
    [JsonPropertyName("endpointPrefix")] public required string EndpointPrefix { get; init; }
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; init; } = "";
    [JsonPropertyName("targetPrefix")] public string? TargetPrefix { get; init; }
    [JsonPropertyName("globalEndpoint")] public string? GlobalEndpoint { get; init; }

    private IReadOnlyList<OperationModel>? _operations;

    /// <summary>
    /// The service's operations. The embedded catalog reads them the first time they are asked for (a call to the
    /// service, a policy naming it): a gateway holds only the services it is used with.
    /// </summary>
    [JsonPropertyName("operations")]
    public IReadOnlyList<OperationModel> Operations
    {
        get => Volatile.Read(ref _operations) ?? LoadOperations();
        init => _operations = value;
    }

    /// <summary>True once the operations are held (read from the catalog, or given).</summary>
    internal bool OperationsRead => Volatile.Read(ref _operations) is not null;

    /// <summary>Reads this service's operations when the catalog was read without them.</summary>
    [JsonIgnore] internal Func<ServiceModel, IReadOnlyList<OperationModel>>? OperationSource { get; set; }

    /// <summary>
    /// The prefixes of the IAM actions its operations are authorized as besides its signing name
    /// (<c>cloudwatch</c> for the service signed as <c>monitoring</c>), so that an IAM action is looked up in the
    /// services that may have it without reading every service.
    /// </summary>
    [JsonPropertyName("iamPrefixes")] public IReadOnlyList<string> IamPrefixes { get; init; } = [];

    /// <summary>The other protocols the model lists (CloudWatch: json and query beside smithy-rpc-v2-cbor); a call is read in the one it speaks.</summary>
    [JsonPropertyName("otherProtocols")] public IReadOnlyList<string> OtherProtocols { get; init; } = [];

    /// <summary>True when callers may speak <paramref name="protocol"/> to this service.</summary>
    public bool Speaks(string protocol) => Protocol == protocol || OtherProtocols.Contains(protocol);

    /// <summary>Its items are DynamoDB attribute values (<c>{"S": "…"}</c>), read and masked as such.</summary>
    public bool IsDynamoDb => Id is "dynamodb" or "dynamodbstreams";

    /// <summary>The prefix of this service's operation names in policy (<c>s3:ListObjectsV2</c>, <c>monitoring:PutMetricData</c>).</summary>
    public string ActionPrefix => SigningName;

    /// <summary>
    /// The IAM action <paramref name="operation"/> is authorized as (<c>s3:ListBucket</c> for ListObjectsV2,
    /// <c>cloudwatch:PutMetricData</c>), or null where AWS's Service Authorization Reference lists none.
    /// </summary>
    public string? IamAction(OperationModel operation) =>
        operation.AccessLevel is null ? null : operation.IamName ?? $"{ActionPrefix}:{operation.Name}";

    public bool IsS3 => Id == "s3";

    public OperationModel? Operation(string name) =>
        Operations.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.Ordinal));

    /// <summary>
    /// The operations as <see cref="Operations"/> gives them; unless <paramref name="keep"/>, read for this once and not
    /// kept if not yet held: for a look through every service (a policy's <c>*:Delete*</c>) that should not leave the
    /// whole catalog in memory.
    /// </summary>
    internal IReadOnlyList<OperationModel> ReadOperations(bool keep) =>
        keep || OperationSource is null ? Operations : Volatile.Read(ref _operations) ?? OperationSource(this);

    private object? _reading;

    // Once, however many calls to a service not read yet arrive together: the others wait for the one read.
    private IReadOnlyList<OperationModel> LoadOperations() =>
        LazyInitializer.EnsureInitialized(ref _operations, ref _reading, () =>
            (OperationSource ?? throw new InvalidOperationException($"The catalog has no operations for {Id}."))(this));
}

/// <summary>One operation: its HTTP binding, which REST protocols route on.</summary>
internal sealed record OperationModel
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("method")] public required string Method { get; init; }
    [JsonPropertyName("uri")] public required string Uri { get; init; }
    [JsonPropertyName("requiredQuery")] public IReadOnlyList<string> RequiredQuery { get; init; } = [];
    [JsonPropertyName("requiredHeaders")] public IReadOnlyList<string> RequiredHeaders { get; init; } = [];

    /// <summary>Input members bound to the URI, query string or headers: member name, location, wire name.</summary>
    [JsonPropertyName("members")] public IReadOnlyList<string[]> Members { get; init; } = [];

    /// <summary>
    /// The request body is the payload's own bytes, a blob (S3 PutObject) or a string (S3 PutBucketPolicy's json): streamed
    /// through, never read whole or parsed as the protocol's xml or json.
    /// </summary>
    [JsonPropertyName("streamingInput")] public bool StreamingInput { get; init; }

    /// <summary>The input or output is an event stream, which Airlock does not proxy yet.</summary>
    [JsonPropertyName("eventStream")] public bool EventStream { get; init; }

    /// <summary>Top-level input members the model marks sensitive (<c>SecretString</c>), or that hold one at any depth (<c>Environment</c>): kept out of the audit trail.</summary>
    [JsonPropertyName("sensitiveInput")] public IReadOnlyList<string> SensitiveInput { get; init; } = [];

    /// <summary>
    /// Where the output members the model marks sensitive travel, one scalar each:
    /// <c>body|Parameter/Value|s</c>, <c>header|x-amz-…|s</c> or <c>payload||b</c> (see <see cref="SensitiveOutput"/>).
    /// </summary>
    [JsonPropertyName("maskOutput")] public IReadOnlyList<string> MaskOutput { get; init; } = [];

    /// <summary>The same as <see cref="MaskOutput"/> for a query call to a service not spoken in xml (CloudWatch, SQS): xml paths, result wrapper first.</summary>
    [JsonPropertyName("maskOutputQuery")] public IReadOnlyList<string> MaskOutputQuery { get; init; } = [];

    /// <summary>
    /// <c>stream</c> (S3 objects) or <c>blob</c> when the response body is a raw payload rather than json or xml; <c>none</c>
    /// when a REST operation answers no body (one sent anyway is scanned as text).
    /// </summary>
    [JsonPropertyName("rawOutput")] public string? RawOutput { get; init; }

    /// <summary>The IAM action's name where it is not <c>signingName:Operation</c> (see <see cref="ServiceModel.IamAction"/>).</summary>
    [JsonPropertyName("iam")] public string? IamName { get; init; }

    /// <summary>
    /// <c>[parameter, IAM action, access level]</c> where a call carrying that parameter is authorized as another action
    /// (S3 GetObject with a VersionId as <c>s3:GetObjectVersion</c>).
    /// </summary>
    [JsonPropertyName("iamWith")] public IReadOnlyList<string>? IamWithParameter { get; init; }

    /// <summary>IAM's access level of the action (List, Read, Write, Permissions management, Tagging); null: IAM lists no action.</summary>
    [JsonPropertyName("access")] public string? AccessLevel { get; init; }

    /// <summary>Top-level output members that carry pagination state (<c>NextToken</c>, <c>LastEvaluatedKey</c>).</summary>
    [JsonPropertyName("pageTokens")] public IReadOnlyList<string> PageTokens { get; init; } = [];

    private IReadOnlyList<SensitiveOutput>? _sensitive;

    public IReadOnlyList<SensitiveOutput> SensitiveOutput => _sensitive ??= MaskOutput.Select(Catalog.SensitiveOutput.Parse).ToArray();

    private IReadOnlyList<SensitiveOutput>? _sensitiveQuery;

    public IReadOnlyList<SensitiveOutput> SensitiveOutputQuery => _sensitiveQuery ??= MaskOutputQuery.Select(Catalog.SensitiveOutput.Parse).ToArray();

    /// <summary>
    /// False when a response in <paramref name="wireProtocol"/> may carry members the model marks sensitive whose paths the
    /// catalog does not have for that protocol (xml paths differ from json's): such a call is refused before it runs.
    /// </summary>
    public bool CanMaskIn(ServiceModel service, string wireProtocol) =>
        WireProtocol.IsXml(wireProtocol) == WireProtocol.IsXml(service.Protocol) || MaskOutputQuery.Count > 0
        || !SensitiveOutput.Any(s => s.Location == OutputLocation.Body);

    private UriTemplate? _template;

    public UriTemplate Template => _template ??= UriTemplate.Parse(Uri, RequiredQuery, RequiredHeaders);
}
