using Tessera.Sessions;

namespace Tessera.Environments;

/// <summary>The algorithms an environment may sign its session tokens with, as stored and as typed on the command line.</summary>
public static class SigningAlgorithms
{
    public const string HS512 = "HS512";
    public const string ES256 = "ES256";

    /// <summary>hs512 or es256, in any case.</summary>
    public static bool TryParse(string? raw, out JwsAlgorithm algorithm)
    {
        algorithm = string.Equals(raw, HS512, StringComparison.OrdinalIgnoreCase) ? JwsAlgorithm.HS512
            : string.Equals(raw, ES256, StringComparison.OrdinalIgnoreCase) ? JwsAlgorithm.ES256
            : JwsAlgorithm.None;
        return algorithm != JwsAlgorithm.None;
    }

    /// <summary>A stored algorithm; a value this version does not know is refused rather than guessed.</summary>
    public static JwsAlgorithm Parse(string stored) =>
        TryParse(stored, out var algorithm) ? algorithm : throw new InvalidOperationException($"Unknown signing algorithm '{stored}'.");

    public static string Name(JwsAlgorithm algorithm) => algorithm switch
    {
        JwsAlgorithm.HS512 => HS512,
        JwsAlgorithm.ES256 => ES256,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "HS512 or ES256"),
    };
}
