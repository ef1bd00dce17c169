using System.Text;
using Airlock.Hosting;
using Xunit;

namespace Airlock.Tests.Unit.Hosting;

public sealed class BatchedConsoleWriterTests
{
    [Fact]
    public async Task LinesFromManyThreads_AllArriveWhole_EachThreadsInItsOrder()
    {
        var output = new CountingStream();
        using (var writer = new BatchedConsoleWriter(output))
        {
            await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
            {
                for (var i = 0; i < 2_000; i++)
                {
                    writer.Append($"thread {t} line {i} {new string('é', i % 50)}\n");
                }
            })));
        }

        var lines = output.Text().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(16_000, lines.Length);
        for (var t = 0; t < 8; t++)
        {
            var own = lines.Where(l => l.StartsWith($"thread {t} ", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, 2_000).Select(i => $"thread {t} line {i} {new string('é', i % 50)}"), own);
        }
    }

    [Fact]
    public void ManyLinesAppendedAtOnce_GoOutInFewWrites()
    {
        var output = new CountingStream();
        using (var writer = new BatchedConsoleWriter(output))
        {
            for (var i = 0; i < 1_000; i++)
            {
                writer.Append($"line {i}\n");
            }
        }

        Assert.Equal(1_000, output.Text().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.InRange(output.Writes, 1, 50);
    }

    [Fact]
    public async Task ALine_IsWrittenWithoutWaitingForMore()
    {
        var output = new CountingStream();
        using var writer = new BatchedConsoleWriter(output);

        writer.Append("alone\n");

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (output.Text() != "alone\n" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        Assert.Equal("alone\n", output.Text());
    }

    [Fact]
    public async Task AStalledOutput_MakesCallersWait_AndLosesNothing()
    {
        var output = new CountingStream { Gate = new ManualResetEventSlim(false) };
        using var writer = new BatchedConsoleWriter(output);
        var line = new string('x', 1023) + "\n";

        // 3 MiB of lines against a 1 Mi-character buffer and a writer stuck in its first write.
        var appending = Task.Run(() =>
        {
            for (var i = 0; i < 3_072; i++)
            {
                writer.Append(line);
            }
        });
        await Task.Delay(500);
        Assert.False(appending.IsCompleted);

        output.Gate.Set();
        await appending.WaitAsync(TimeSpan.FromSeconds(30));
        writer.Dispose();
        Assert.Equal(3_072 * 1024, output.Text().Length);
    }

    [Fact]
    public void ALineLoggedAfterTheStop_IsWrittenAtOnce()
    {
        var output = new CountingStream();
        var writer = new BatchedConsoleWriter(output);
        writer.Append("before\n");
        writer.Dispose();

        writer.Append("after\n");

        Assert.Equal("before\nafter\n", output.Text());
    }

    private sealed class CountingStream : Stream
    {
        private readonly MemoryStream _bytes = new();

        public ManualResetEventSlim? Gate { get; init; }

        public int Writes { get; private set; }

        public string Text()
        {
            lock (_bytes)
            {
                return Encoding.UTF8.GetString(_bytes.ToArray());
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Gate?.Wait();
            lock (_bytes)
            {
                Writes++;
                _bytes.Write(buffer, offset, count);
            }
        }

        public override void Flush()
        {
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
