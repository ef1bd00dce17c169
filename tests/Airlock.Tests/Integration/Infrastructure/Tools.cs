namespace Airlock.Tests.Integration.Infrastructure;

/// <summary>Where the real clients and servers the integration tests drive are on this machine.</summary>
public static class Tools
{
    /// <summary>The Python with moto, boto3 and AWS CLI v1: AIRLOCK_TEST_PYTHON, the image's pyenv Python, else python3.</summary>
    public static string Python { get; } =
        Environment.GetEnvironmentVariable("AIRLOCK_TEST_PYTHON")
        ?? (File.Exists("/root/.pyenv/versions/3.11.7/bin/python3") ? "/root/.pyenv/versions/3.11.7/bin/python3" : "python3");

    /// <summary>Debian's AWS CLI v2 (2.9.19): it ignores AWS_ENDPOINT_URL, so every call gets --endpoint-url.</summary>
    public static string AwsCliV2 { get; } = Environment.GetEnvironmentVariable("AIRLOCK_TEST_AWS_CLI_V2") ?? "/usr/bin/aws";

    public static string AirlockDll { get; } = Path.Combine(AppContext.BaseDirectory, "airlock.dll");

    public static string TestData(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", name);
}
