namespace Airlock.Aws.SigV4;

/// <summary>The outcome of checking a caller's signature.</summary>
internal enum SignatureCheck
{
    Valid,
    Mismatch,
    ClockSkew,
    PresignedExpired,
    UnsignedHeaderMissing,
}

/// <summary>Checks a SigV4 signature with the secret the gateway holds for the caller's session.</summary>
internal static class SigV4Verifier
{
    public static readonly TimeSpan AllowedSkew = TimeSpan.FromMinutes(15);

    public static SignatureCheck Verify(
        SignableRequest request, SigV4Authorization auth, string secretAccessKey, string payloadHash, DateTimeOffset now)
    {
        if (auth.IsPresigned)
        {
            if (now < auth.SignedAt - AllowedSkew || now > auth.SignedAt + auth.PresignedExpiry!.Value)
            {
                return SignatureCheck.PresignedExpired;
            }
        }
        else if ((now - auth.SignedAt).Duration() > AllowedSkew)
        {
            return SignatureCheck.ClockSkew;
        }

        foreach (var name in auth.SignedHeaders)
        {
            if (request.Header(name) is null)
            {
                return SignatureCheck.UnsignedHeaderMissing;
            }
        }

        var canonical = request.CanonicalRequestHash(auth.SignedHeaders, payloadHash, auth.IsPresigned ? "X-Amz-Signature" : null);
        var key = SigV4Primitives.DeriveSigningKey(secretAccessKey, auth.Scope.Date, auth.Scope.Region, auth.Scope.Service);
        var expected = SigV4Primitives.Sign(key, auth.AmzDate, auth.Scope, canonical);
        return SigV4Primitives.SignaturesEqual(expected, auth.Signature) ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }
}
