using System.Security.Cryptography;

namespace Tessera.Sessions;

/// <summary>
/// An ES256 or RS256 key (public, or for Tessera's own ES256 keys private too), with a small pool of imported
/// <see cref="ECDsa"/>/<see cref="RSA"/> objects: they are not documented as safe for concurrent use, and importing a
/// key per token would cost more than the signature check itself. Same pool shape as <see cref="PooledHmac"/>.
/// </summary>
public sealed class PooledSignatureKey
{
    private readonly byte[] _der;
    private readonly bool _private;
    private readonly AsymmetricAlgorithm?[] _pool = new AsymmetricAlgorithm?[Math.Max(4, Environment.ProcessorCount * 2)];

    private PooledSignatureKey(JwsAlgorithm algorithm, byte[] der, bool isPrivate, int signatureSize)
    {
        Algorithm = algorithm;
        _der = der;
        _private = isPrivate;
        SignatureSize = signatureSize;
    }

    public JwsAlgorithm Algorithm { get; }

    /// <summary>The exact length of a signature in bytes: 64 for ES256 (r‖s, RFC 7518 section 3.4), the modulus size for RS256.</summary>
    public int SignatureSize { get; }

    /// <summary>A P-256 key from its PKCS#8 private key (DER).</summary>
    public static PooledSignatureKey EcdsaPrivate(byte[] pkcs8)
    {
        using var probe = ECDsa.Create();
        probe.ImportPkcs8PrivateKey(pkcs8, out _);
        RequireP256(probe);
        return new PooledSignatureKey(JwsAlgorithm.ES256, pkcs8, isPrivate: true, 64);
    }

    /// <summary>A public key from its SubjectPublicKeyInfo (DER): P-256 for ES256, RSA (2048 to 4096 bits) for RS256.</summary>
    /// <exception cref="CryptographicException">The key is not of that kind.</exception>
    public static PooledSignatureKey Public(JwsAlgorithm algorithm, byte[] subjectPublicKeyInfo)
    {
        switch (algorithm)
        {
            case JwsAlgorithm.ES256:
            {
                using var probe = ECDsa.Create();
                probe.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
                if (read != subjectPublicKeyInfo.Length) throw new CryptographicException("Trailing data after the public key.");
                RequireP256(probe);
                return new PooledSignatureKey(algorithm, subjectPublicKeyInfo, isPrivate: false, 64);
            }
            case JwsAlgorithm.RS256:
            {
                using var probe = RSA.Create();
                probe.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
                if (read != subjectPublicKeyInfo.Length) throw new CryptographicException("Trailing data after the public key.");
                if (probe.KeySize is < 2048 or > 4096) throw new CryptographicException("RSA keys must be 2048 to 4096 bits.");
                return new PooledSignatureKey(algorithm, subjectPublicKeyInfo, isPrivate: false, probe.KeySize / 8);
            }
            default:
                throw new CryptographicException($"{algorithm} is not a public-key algorithm Tessera accepts.");
        }
    }

    private static void RequireP256(ECDsa key)
    {
        if (key.ExportParameters(false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            throw new CryptographicException("ES256 keys must be on the P-256 curve.");
    }

    /// <summary>Whether <paramref name="signature"/> is this key's signature of <paramref name="data"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureSize) return false;
        // The hash on the stack: VerifyData would allocate for it. What the platform's ECDsa/RSA verify allocates
        // itself (OpenSSL interop, ~1.2 KB) is the floor; AllocationFreeVerificationTests holds the path to it.
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data, hash);
        var key = Rent();
        try
        {
            return key is ECDsa ecdsa
                ? ecdsa.VerifyHash(hash, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
                : ((RSA)key).VerifyHash(hash, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        finally { Return(key); }
    }

    /// <summary>Signs <paramref name="data"/> into <paramref name="destination"/> (<see cref="SignatureSize"/> bytes). Private ES256 keys only.</summary>
    public void Sign(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (!_private) throw new InvalidOperationException("A public key cannot sign.");
        var key = (ECDsa)Rent();
        try
        {
            if (!key.TrySignData(data, destination, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation, out var written) || written != SignatureSize)
                throw new CryptographicException("The signature did not fit.");
        }
        finally { Return(key); }
    }

    /// <summary>The public key as SubjectPublicKeyInfo (DER).</summary>
    public byte[] ExportSubjectPublicKeyInfo()
    {
        var key = Rent();
        try { return key.ExportSubjectPublicKeyInfo(); }
        finally { Return(key); }
    }

    private AsymmetricAlgorithm Rent()
    {
        for (var i = 0; i < _pool.Length; i++)
        {
            if (Volatile.Read(ref _pool[i]) is not null && Interlocked.Exchange(ref _pool[i], null) is { } pooled) return pooled;
        }
        return Import();
    }

    private AsymmetricAlgorithm Import()
    {
        if (Algorithm == JwsAlgorithm.RS256)
        {
            var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(_der, out _);
            return rsa;
        }
        var ecdsa = ECDsa.Create();
        if (_private) ecdsa.ImportPkcs8PrivateKey(_der, out _);
        else ecdsa.ImportSubjectPublicKeyInfo(_der, out _);
        return ecdsa;
    }

    private void Return(AsymmetricAlgorithm key)
    {
        for (var i = 0; i < _pool.Length; i++)
        {
            if (Volatile.Read(ref _pool[i]) is null && Interlocked.CompareExchange(ref _pool[i], key, null) is null) return;
        }
        key.Dispose();
    }
}
