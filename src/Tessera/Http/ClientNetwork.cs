using System.Net;
using System.Net.Sockets;

namespace Tessera.Http;

/// <summary>
/// The unit per-IP limits count: an IPv4 address, or an IPv6 address's /64. One host routinely owns a whole /64
/// (SLAAC, privacy addresses), so counting single IPv6 addresses would give each attacker 2^64 budgets.
/// </summary>
public static class ClientNetwork
{
    /// <summary>The network key of <paramref name="ip"/> (null stays null; text that is not an address is kept as is).</summary>
    public static string? Of(string? ip)
    {
        if (ip is null || !IPAddress.TryParse(ip, out var address)) return ip;
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4().ToString();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
