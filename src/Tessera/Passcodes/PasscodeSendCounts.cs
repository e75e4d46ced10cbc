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

        /// <summary>
        /// Counts one send for each scope, in the transaction that creates the challenge (same clock reading), so the
        /// counts commit exactly with the challenges they stand for. Call it last before saving: on PostgreSQL the
        /// count row stays locked until the commit, and the shards keep concurrent sends from queueing on one row.
        /// </summary>
        public static Task RecordAsync(Data.TesseraDbContext db, string environmentId, string? ip, DateTime now, CancellationToken cancellationToken) =>
            RecordInScopesAsync(db, EnvironmentScope(environmentId), ip is null ? null : IpScope(ip), now, cancellationToken);

        /// <summary>Counts one sign-up by identify, as <see cref="RecordAsync(Data.TesseraDbContext, string, string?, DateTime, CancellationToken)"/> counts a send.</summary>
        public static Task RecordSignUpAsync(Data.TesseraDbContext db, string environmentId, string? ip, DateTime now, CancellationToken cancellationToken) =>
            RecordInScopesAsync(db, SignUpEnvironmentScope(environmentId), ip is null ? null : SignUpIpScope(ip), now, cancellationToken);

        /// <summary>
        /// The sign-ups of the hour before <paramref name="now"/> from the caller's network and in the environment. Exact
        /// for the windows counted (the oldest may reach a few minutes past the hour), since each sign-up writes its count
        /// under the locks the sign-up holds.
        /// </summary>
        public static async Task<Passcodes.PasscodePolicy.SignUpState> ReadSignUpsAsync(Data.TesseraDbContext db, string environmentId, string? ip, DateTime now, CancellationToken cancellationToken)
        {
            var first = FirstWindowOfHourBefore(now);
            var environmentScope = SignUpEnvironmentScope(environmentId);
            var ipScope = ip is null ? "" : SignUpIpScope(ip);
            var rows = await db.PasscodeSendCounts.AsNoTracking()
                .Where(c => (c.Scope == environmentScope || c.Scope == ipScope) && c.WindowIndex >= first)
                .Select(c => new { c.Scope, c.WindowIndex, c.Sends }).ToListAsync(cancellationToken);
            long fromIp = rows.Where(r => r.Scope == ipScope).Sum(r => (long)r.Sends), inEnvironment = rows.Where(r => r.Scope == environmentScope).Sum(r => (long)r.Sends);
            long? oldest = rows.Count == 0 ? null : rows.Min(r => r.WindowIndex);
            return new(ip is not null, fromIp, inEnvironment,
                oldest is { } w ? DateTimeOffset.FromUnixTimeSeconds(w * WindowSeconds).UtcDateTime : null);
        }

        private static Task RecordInScopesAsync(Data.TesseraDbContext db, string environmentScope, string? ipScope, DateTime now, CancellationToken cancellationToken)
        {
            var window = WindowOf(now);
            var shard = Random.Shared.Next(Shards);
            if (ipScope is null)
                return db.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO passcode_send_counts (scope, window_index, shard, sends) VALUES ({environmentScope}, {window}, {shard}, 1)
                    ON CONFLICT (scope, window_index, shard) DO UPDATE SET sends = passcode_send_counts.sends + 1
                    """, cancellationToken);
            return db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO passcode_send_counts (scope, window_index, shard, sends) VALUES ({environmentScope}, {window}, {shard}, 1), ({ipScope}, {window}, {shard}, 1)
                ON CONFLICT (scope, window_index, shard) DO UPDATE SET sends = passcode_send_counts.sends + 1
                """, cancellationToken);
        }
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
