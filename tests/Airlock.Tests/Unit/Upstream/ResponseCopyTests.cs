using System.IO.Pipelines;
using Airlock.Primitives;
using Xunit;

namespace Airlock.Tests.Unit.Upstream;

public sealed class ResponseCopyTests
{
    [Fact]
    public async Task ACallerThatStoppedReading_IsToldApartFromAnUpstreamThatBroke()
    {
        // The connection's abort token is signalled after the write learns the caller is gone; the copy says so itself.
        var pipe = new Pipe();
        await pipe.Reader.CompleteAsync();

        await Assert.ThrowsAsync<ResponseCopy.CallerGoneException>(() =>
            new ResponseCopy(0).CopyAsync(new MemoryStream(new byte[4096]), pipe.Writer, CancellationToken.None));
    }

    [Fact]
    public async Task AWholeBodyIsRelayed_AndItsStartKept()
    {
        var pipe = new Pipe();
        var body = Enumerable.Range(0, 600_000).Select(i => (byte)i).ToArray();
        var copy = new ResponseCopy(16);
        var reading = ReadAllAsync(pipe.Reader);

        await copy.CopyAsync(new MemoryStream(body), pipe.Writer, CancellationToken.None);
        await pipe.Writer.CompleteAsync();

        Assert.Equal(body, await reading);
        Assert.Equal(body[..16], copy.Kept);
    }

    private static async Task<byte[]> ReadAllAsync(PipeReader reader)
    {
        var all = new MemoryStream();
        await reader.CopyToAsync(all);
        return all.ToArray();
    }
}
