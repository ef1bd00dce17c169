using Airlock.Gateway;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Xunit;

namespace Airlock.Tests.Unit.Gateway;

public sealed class IncomingRequestTests
{
    private static readonly BufferedBodyBudget Plenty = new(long.MaxValue);

    private static HttpRequest Request(byte[] body, long? declaredLength, EndOfRequest? end = null)
    {
        var context = new DefaultHttpContext();
        if (end is not null)
        {
            context.Features.Set<IHttpResponseFeature>(end);
        }

        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = declaredLength;
        return context.Request;
    }

    private static byte[] Bytes(int count) => Enumerable.Range(0, count).Select(i => (byte)(i * 7)).ToArray();

    [Theory]
    [InlineData(0)]
    [InlineData(56)]
    [InlineData(200_000)] // above the size read into a buffer made to its declared length
    public async Task ABodyWithItsLength_IsReadWhole(int size)
    {
        var body = Bytes(size);
        var read = await IncomingRequest.ReadBodyAsync(Request(body, size), 1 << 20, Plenty, CancellationToken.None);
        Assert.Null(read.Refusal);
        Assert.Equal(body, read.Body.ToArray());
    }

    [Fact]
    public async Task ABodyWithoutALength_IsReadWhole_UpToTheLimit()
    {
        var body = Bytes(100_000);
        Assert.Equal(body, (await IncomingRequest.ReadBodyAsync(Request(body, null), 100_000, Plenty, CancellationToken.None)).Body.ToArray());
        Assert.Equal("RequestEntityTooLarge", (await IncomingRequest.ReadBodyAsync(Request(body, null), 99_999, Plenty, CancellationToken.None)).Refusal?.Code);
    }

    [Fact]
    public async Task ADeclaredLengthOverTheLimit_IsRefused_BeforeAnythingIsRead()
    {
        var request = Request(Bytes(10), 10_000_001);
        Assert.Equal(413, (await IncomingRequest.ReadBodyAsync(request, 10_000_000, Plenty, CancellationToken.None)).Refusal?.Status);
        Assert.Equal(0, request.Body.Position);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // unsized bodies are counted as their bytes arrive
    public async Task BodiesHeldTogether_StayWithinTheBudget_UntilTheirRequestsEnd(bool sized)
    {
        var budget = new BufferedBodyBudget(100_000);
        var first = new EndOfRequest();
        var firstRead = await IncomingRequest.ReadBodyAsync(Request(Bytes(60_000), sized ? 60_000 : null, first), 1 << 20, budget, CancellationToken.None);
        Assert.Null(firstRead.Refusal);
        Assert.Equal(60_000, budget.Held);

        var second = new EndOfRequest();
        var refused = await IncomingRequest.ReadBodyAsync(Request(Bytes(60_000), sized ? 60_000 : null, second), 1 << 20, budget, CancellationToken.None);
        Assert.Equal(503, refused.Refusal?.Status);
        Assert.Equal("ServiceUnavailable", refused.Refusal?.Code);
        Assert.Contains("limits.maxBufferedBytesInFlight", refused.Refusal?.Message);
        Assert.True(budget.Held <= budget.Limit);

        await first.EndAsync();
        await second.EndAsync();
        Assert.Equal(0, budget.Held);
        var again = await IncomingRequest.ReadBodyAsync(Request(Bytes(60_000), sized ? 60_000 : null, new EndOfRequest()), 1 << 20, budget, CancellationToken.None);
        Assert.Null(again.Refusal);
    }

    /// <summary>Runs what a request registered for its end, as Kestrel does when the response completes.</summary>
    private sealed class EndOfRequest : HttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _completed = [];

        public override void OnCompleted(Func<object, Task> callback, object state) => _completed.Add((callback, state));

        public async Task EndAsync()
        {
            foreach (var (callback, state) in _completed)
            {
                await callback(state);
            }
        }
    }

    [Fact]
    public void Read_LowerCasesHeaderNames_WithOneStringPerNameAcrossCalls()
    {
        var first = ReadHeaders();
        var second = ReadHeaders();

        Assert.Equal(["host", "x-amz-target", "x-amz-target", "x-çustom"], first.Headers.Select(h => h.Key));
        Assert.Equal(["a", "b", "c", "d"], first.Headers.Select(h => h.Value));
        // The lower-case forms are kept, not made again for every call.
        Assert.Same(first.Headers[1].Key, second.Headers[1].Key);
        Assert.Same(first.Headers[0].Key, second.Headers[0].Key);
    }

    private static Airlock.Aws.SigV4.SignableRequest ReadHeaders()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/";
        context.Request.Headers["host"] = "a";
        context.Request.Headers["X-Amz-Target"] = new(["b", "c"]);
        context.Request.Headers["X-Çustom"] = "d";
        return IncomingRequest.Read(context);
    }
}
