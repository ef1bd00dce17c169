using Airlock.Upstream;
using Xunit;

namespace Airlock.Tests.Unit.Upstream;

/// <summary>A credential file is read again only when its size or modification time changes, so rotation takes effect at once.</summary>
public sealed class CredentialFilesTests : IDisposable
{
    private static readonly DateTime LongAgo = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
    private readonly string _dir = Directory.CreateTempSubdirectory("airlock-credential-files-").FullName;

    [Fact]
    public void RotatedFile_IsReadOnTheNextCall()
    {
        var secret = Write("secret", "old-secret-0001", LongAgo);
        Assert.Equal("old-secret-0001", Secret(secret));

        File.WriteAllText(secret, "new-secret-0002");

        Assert.Equal("new-secret-0002", Secret(secret));
    }

    [Fact]
    public void FileOfTheSameSizeAndTime_IsNotReadAgain()
    {
        var secret = Write("secret", "old-secret-0001", LongAgo);
        Assert.Equal("old-secret-0001", Secret(secret));

        Write("secret", "new-secret-0002", LongAgo);

        Assert.Equal("old-secret-0001", Secret(secret));
    }

    [Fact]
    public void FileModifiedMomentsBeforeItWasRead_IsReadAgain_EvenWithTheSameSizeAndTime()
    {
        var now = DateTime.UtcNow;
        var secret = Write("secret", "old-secret-0001", now);
        Assert.Equal("old-secret-0001", Secret(secret));

        // A second write within the same tick of the file system's clock leaves the size and time as they were.
        Write("secret", "new-secret-0002", now);

        Assert.Equal("new-secret-0002", Secret(secret));
    }

    [Fact]
    public void RemovedFile_IsNoCredential()
    {
        var secret = Write("secret", "old-secret-0001", LongAgo);
        Assert.Equal("old-secret-0001", Secret(secret));

        File.Delete(secret);

        Assert.Null(Secret(secret));
    }

    [Fact]
    public void ProfilesOfOneFile_AreKeptApart()
    {
        var file = Write("credentials", """
            [dev]
            aws_access_key_id = AKIADEV
            aws_secret_access_key = dev-secret
            [prod]
            aws_access_key_id = AKIAPROD
            aws_secret_access_key = prod-secret
            """, LongAgo);

        Assert.Equal("AKIADEV", SharedCredentialsFile.Read(file, "dev")?.AccessKeyId);
        Assert.Equal("AKIAPROD", SharedCredentialsFile.Read(file, "prod")?.AccessKeyId);
        Assert.Equal("AKIADEV", SharedCredentialsFile.Read(file, "dev")?.AccessKeyId);
        Assert.Null(SharedCredentialsFile.Read(file, "staging"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string? Secret(string path) =>
        UpstreamCredentialProvider.Resolve(new UpstreamCredentialOptions { Source = "file", AccessKeyIdFile = path, SecretAccessKeyFile = path })?.SecretAccessKey;

    private string Write(string name, string text, DateTime modified)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        File.SetLastWriteTimeUtc(path, modified);
        return path;
    }
}
