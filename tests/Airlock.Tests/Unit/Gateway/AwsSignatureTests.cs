using Airlock.Gateway;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Airlock.Tests.Unit.Gateway;

public sealed class AwsSignatureTests
{
    [Theory]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIA/20261203/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00", "", true)]
    [InlineData("aws4-hmac-sha256 Credential=AKIA/20261203/us-east-1/s3/aws4_request", "", true)]
    [InlineData("AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=", "", true)]
    [InlineData(null, "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20261203&X-Amz-Signature=00", true)]
    [InlineData(null, "?X-Amz-Signature=00", true)]
    [InlineData(null, "?X-Amz-Algorithm=AWS4-HMAC-SHA256", true)]
    [InlineData(null, "?x-amz-credential=AKIA%2F20261203", true)]
    [InlineData(null, "?X-Amz-Date=20261203T000000Z&X-Amz-Expires=60", false)]
    [InlineData("Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "", false)]
    [InlineData(null, "?state=abc", false)]
    [InlineData(null, "", false)]
    public void IsCarriedBy_TellsAnAwsSignatureFromAnyOtherCredential(string? authorization, string query, bool signed)
    {
        var http = new DefaultHttpContext();
        http.Request.QueryString = new QueryString(query);
        if (authorization is not null)
        {
            http.Request.Headers.Authorization = authorization;
        }

        Assert.Equal(signed, AwsSignature.IsCarriedBy(http.Request));
    }
}
