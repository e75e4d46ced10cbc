namespace Tessera.DataApi;

/// <summary>
/// Amounts are stored as integer minor units; the API speaks major units (12.34 dollars). ISO 4217 says how many
/// decimals a currency has: two for most, none for a few (JPY), three for a few (KWD).
/// </summary>
public static class Money
{
    public static readonly string[] ZeroDecimal = ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"];
    public static readonly string[] ThreeDecimal = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

    public static int Exponent(string currencyCode) =>
        Array.IndexOf(ZeroDecimal, currencyCode) >= 0 ? 0 : Array.IndexOf(ThreeDecimal, currencyCode) >= 0 ? 3 : 2;

    /// <summary>Minor units to a decimal number of major units, exactly, then to the wire's Float.</summary>
    public static double ToMajor(long minor, string currencyCode)
    {
        var scale = Pow10(Exponent(currencyCode));
        // Below 2^53 both operands are exact doubles and IEEE division rounds the exact quotient once: the same
        // double as the decimal route, without decimal arithmetic.
        return Math.Abs(minor) < 1L << 53 ? minor / (double)scale : (double)(minor / (decimal)scale);
    }

    public static long Pow10(int exponent) => exponent switch { 0 => 1, 3 => 1000, _ => 100 };
}
