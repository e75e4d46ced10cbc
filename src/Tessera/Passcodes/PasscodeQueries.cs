using Microsoft.EntityFrameworkCore;
using Tessera.Clients;
using Tessera.Data;
using Tessera.Environments;
using Tessera.Profiles;


namespace Tessera.Passcodes;

/// <summary>
/// The passwordless flow's queries, compiled once: every identify and authenticate runs them, and EF's per-call work
/// to find a query in its cache (walking and comparing the expression tree) was about a tenth of the CPU those
/// requests cost, much of it under SQLite's write gate.
/// </summary>
internal static class PasscodeQueries
{
    public sealed record ClientAndEnvironment(Client Client, TesseraEnvironment Environment);

    public static readonly CompiledQuery<Func<TesseraDbContext, string, CancellationToken, Task<ClientAndEnvironment?>>> ClientWithEnvironment = new(() =>
        EF.CompileAsyncQuery((TesseraDbContext db, string clientId, CancellationToken _) =>
            (from c in db.Clients.AsNoTracking()
             join e in db.Environments.AsNoTracking() on c.EnvironmentId equals e.Id
             where c.Id == clientId
             select new ClientAndEnvironment(c, e)).FirstOrDefault()));

    public static readonly CompiledQuery<Func<TesseraDbContext, string, string, CancellationToken, Task<Profile?>>> ProfileByEmail = new(() =>
        EF.CompileAsyncQuery((TesseraDbContext db, string environmentId, string email, CancellationToken _) =>
            db.Profiles.FirstOrDefault(p => p.EnvironmentId == environmentId && p.Email == email)));

    public static readonly CompiledQuery<Func<TesseraDbContext, string, string, CancellationToken, Task<Profile?>>> ProfileByPhone = new(() =>
        EF.CompileAsyncQuery((TesseraDbContext db, string environmentId, string phone, CancellationToken _) =>
            db.Profiles.FirstOrDefault(p => p.EnvironmentId == environmentId && p.Phone == phone)));

    public static readonly CompiledQuery<Func<TesseraDbContext, string, string, CancellationToken, Task<Profile?>>> ProfileById = new(() =>
        EF.CompileAsyncQuery((TesseraDbContext db, string environmentId, string id, CancellationToken _) =>
            db.Profiles.FirstOrDefault(p => p.Id == id && p.EnvironmentId == environmentId)));

    /// <summary>What identify decides on, read under the identifier's lock.</summary>
    public sealed class SendState
    {
        public string? ProfileId { get; init; }
        public bool ProfileDisabled { get; init; }
        public DateTime? NewestChallengeAt { get; init; }
        /// <summary>At least the passcodes sent from the client IP in the last hour (<see cref="PasscodeSendCounts"/>).</summary>
        public int SendsFromIpAtMost { get; init; }
        /// <summary>At least the passcodes the environment sent in the last hour.</summary>
        public int SendsInEnvironmentAtMost { get; init; }
    }

    public static readonly CompiledQuery<Func<TesseraDbContext, string, string, string, string, long, CancellationToken, Task<SendState>>> SendStateByEmail = new(() =>
        EF.CompileAsyncQuery((TesseraDbContext db, string environmentId, string identifier, string ipScope, string environmentScope, long firstWindow, CancellationToken _) =>
            db.Environments.AsNoTracking().Where(e => e.Id == environmentId).Select(e => new SendState
            {
                ProfileId = db.Profiles.Where(p => p.EnvironmentId == environmentId && p.Email == identifier).Select(p => p.Id).FirstOrDefault(),
                ProfileDisabled = db.Profiles.Any(p => p.EnvironmentId == environmentId && p.Email == identifier && p.DisabledAt != null),
                NewestChallengeAt = db.PasscodeChallenges.Where(c => c.EnvironmentId == environmentId && c.Identifier == identifier).Max(c => (DateTime?)c.CreatedAt),
                SendsFromIpAtMost = db.PasscodeSendCounts.Where(c => c.Scope == ipScope && c.WindowIndex >= firstWindow).Sum(c => c.Sends),
                SendsInEnvironmentAtMost = db.PasscodeSendCounts.Where(c => c.Scope == environmentScope && c.WindowIndex >= firstWindow).Sum(c => c.Sends),
            }).Single()));

    public static readonly CompiledQuery<Func<TesseraDbContext, string, string, string, string, long, CancellationToken, Task<SendState>>> SendStateByPhone = new(() =>
        EF.CompileAsyncQuery((TesseraDbContext db, string environmentId, string identifier, string ipScope, string environmentScope, long firstWindow, CancellationToken _) =>
            db.Environments.AsNoTracking().Where(e => e.Id == environmentId).Select(e => new SendState
            {
                ProfileId = db.Profiles.Where(p => p.EnvironmentId == environmentId && p.Phone == identifier).Select(p => p.Id).FirstOrDefault(),
                ProfileDisabled = db.Profiles.Any(p => p.EnvironmentId == environmentId && p.Phone == identifier && p.DisabledAt != null),
                NewestChallengeAt = db.PasscodeChallenges.Where(c => c.EnvironmentId == environmentId && c.Identifier == identifier).Max(c => (DateTime?)c.CreatedAt),
                SendsFromIpAtMost = db.PasscodeSendCounts.Where(c => c.Scope == ipScope && c.WindowIndex >= firstWindow).Sum(c => c.Sends),
                SendsInEnvironmentAtMost = db.PasscodeSendCounts.Where(c => c.Scope == environmentScope && c.WindowIndex >= firstWindow).Sum(c => c.Sends),
            }).Single()));
}
