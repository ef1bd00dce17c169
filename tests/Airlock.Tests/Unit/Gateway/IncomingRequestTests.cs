using Airlock.Gateway;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Airlock.Tests.Unit.Gateway;

public sealed class IncomingRequestTests
{
    private static HttpRequest Request(byte[] body, long? declaredLength)
    {
        var context = new DefaultHttpContext();
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
        var read = await IncomingRequest.ReadBodyAsync(Request(body, size), 1 << 20, CancellationToken.None);
        Assert.Equal(body, read!.Value.ToArray());
    }

    [Fact]
    public async Task ABodyWithoutALength_IsReadWhole_UpToTheLimit()
    {
        var body = Bytes(100_000);
        Assert.Equal(body, (await IncomingRequest.ReadBodyAsync(Request(body, null), 100_000, CancellationToken.None))!.Value.ToArray());
        Assert.Null(await IncomingRequest.ReadBodyAsync(Request(body, null), 99_999, CancellationToken.None));
    }

    [Fact]
    public async Task ADeclaredLengthOverTheLimit_IsRefused_BeforeAnythingIsRead()
    {
        var request = Request(Bytes(10), 10_000_001);
        Assert.Null(await IncomingRequest.ReadBodyAsync(request, 10_000_000, CancellationToken.None));
        Assert.Equal(0, request.Body.Position);
    }
}
