using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tessera.Passcodes;

namespace Tessera.Passcodes
{
    /// <summary>
    /// How many passcodes one scope (a client IP, an environment) was sent in one 5-minute window, split over a few
    /// shard rows so concurrent sends rarely wait on one row's lock. Only an upper bound for the send limits: the
    /// windows overlapping the last hour count at least every send of that hour, so while their sum is under a limit
    /// the limit cannot have been reached, and only a scope near its limit needs the exact count of its challenges.
    /// </summary>
    public sealed class PasscodeSendCount
    {
        /// <summary><c>ip:</c> + the client IP, or <c>env:</c> + the environment id.</summary>
        public required string Scope { get; init; }
        /// <summary>Unix seconds / <see cref="PasscodeSendCounts.WindowSeconds"/>.</summary>
        public long WindowIndex { get; init; }
        public int Shard { get; init; }
        public int Sends { get; set; }
    }

    public static class PasscodeSendCounts
    {
        public const int WindowSeconds = 300;
        public const int Shards = 16;

        /// <summary>Per-IP limits count the caller's network: an IPv4 address or an IPv6 /64 (<see cref="Http.ClientNetwork"/>).</summary>
        public static string IpScope(string ip) => "ip:" + Http.ClientNetwork.Of(ip);
        public static string EnvironmentScope(string environmentId) => "env:" + environmentId;

        // Sign-ups by identify have budgets of their own, counted in the same windows.
        public static string SignUpIpScope(string ip) => "signup-ip:" + Http.ClientNetwork.Of(ip);
        public static string SignUpEnvironmentScope(string environmentId) => "signup-env:" + environmentId;

        public static long WindowOf(DateTime utc) => new DateTimeOffset(utc, TimeSpan.Zero).ToUnixTimeSeconds() / WindowSeconds;

        /// <summary>The first window that can hold a send of the hour before <paramref name="now"/>.</summary>
        public static long FirstWindowOfHourBefore(DateTime now) => WindowOf(now.AddHours(-1));
    }

    internal sealed class PasscodeSendCountConfiguration : IEntityTypeConfiguration<PasscodeSendCount>
    {
        public void Configure(EntityTypeBuilder<PasscodeSendCount> b)
        {
            b.ToTable("passcode_send_counts");
            b.HasKey(c => new { c.Scope, c.WindowIndex, c.Shard });
            b.Property(c => c.Scope).HasMaxLength(80);
        }
    }
}

namespace Tessera.Data
{
    public sealed partial class TesseraDbContext
    {
        public DbSet<PasscodeSendCount> PasscodeSendCounts => Set<PasscodeSendCount>();
    }
}
