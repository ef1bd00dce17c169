using Airlock.Upstream;
using Xunit;

namespace Airlock.Tests.Unit.Upstream;

public sealed class UpstreamCredentialProviderTests
{
    [Fact]
    public void Profile_ReadsTheNamedSectionOnly()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, """
            [default]
            aws_access_key_id = AKIADEFAULT
            aws_secret_access_key = default-secret

            # the one we want
            [prod]
            aws_access_key_id=AKIAPROD
            aws_secret_access_key = prod/secret+with=equals
            aws_session_token = prod-token
            """);

        var credentials = UpstreamCredentialProvider.Resolve(new UpstreamCredentialOptions { Source = "profile", Profile = "prod", SharedCredentialsFile = file });

        Assert.Equal(new UpstreamCredentials("AKIAPROD", "prod/secret+with=equals", "prod-token"), credentials);
    }

    [Fact]
    public void MissingCredential_IsNull_SoTheCallIsRefused()
    {
        Assert.Null(UpstreamCredentialProvider.Resolve(new UpstreamCredentialOptions { Source = "profile", Profile = "none", SharedCredentialsFile = "/nonexistent" }));
        Assert.Null(UpstreamCredentialProvider.Resolve(new UpstreamCredentialOptions { Source = "static", AccessKeyIdEnv = "AIRLOCK_UNSET_1", SecretAccessKeyEnv = "AIRLOCK_UNSET_2" }));
        Assert.Null(UpstreamCredentialProvider.Resolve(new UpstreamCredentialOptions { Source = "file", AccessKeyIdFile = "/nonexistent", SecretAccessKeyFile = "/nonexistent" }));
    }

    [Fact]
    public void ToString_NeverShowsTheSecret()
    {
        Assert.DoesNotContain("hush", new UpstreamCredentials("AKIA1", "hush", "hush-token").ToString());
    }
}
