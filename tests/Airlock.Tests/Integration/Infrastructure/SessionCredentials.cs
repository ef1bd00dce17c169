namespace Airlock.Tests.Integration.Infrastructure;

/// <summary>Airlock session credentials as a client holds them.</summary>
public sealed record SessionCredentials(string AccessKeyId, string SecretAccessKey, string SessionToken);
