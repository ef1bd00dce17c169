using Airlock.Tests.Integration.Infrastructure;
using Xunit;

namespace Airlock.Tests.Integration;

/// <summary>
/// The container image's steps, run as a script since no container engine runs here (deploy/image-steps.sh reads each
/// from deploy/Dockerfile): the restore and publish, the entrypoint and command as the image's non-root user, and the
/// health check, which must find the node ready.
/// </summary>
public sealed class ImageTests
{
    [Fact]
    public async Task TheImagesPublishAndEntrypoint_RunAsItsUser_AndItsHealthCheckFindsTheNodeReady()
    {
        var scratch = Path.Combine(Path.GetTempPath(), "airlock-image-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var run = await ProcessRunner.RunAsync("bash", [Path.Combine(Repository.Root, "deploy", "image-steps.sh"), scratch],
                new Dictionary<string, string?>(), TimeSpan.FromMinutes(5));

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("dotnet publish src/Airlock/Airlock.csproj", run.StdOut);
            Assert.Contains($"process user: {Unit.Deploy.DockerfileSteps.User}", run.StdOut);
            Assert.Contains("\"status\": \"Healthy\"", run.StdOut);
            Assert.Contains("stopped on SIGTERM: exit 0", run.StdOut);
            Assert.DoesNotContain("image-check-secret", run.StdOut + run.StdErr);
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }
}
