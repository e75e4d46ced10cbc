using Microsoft.EntityFrameworkCore;
using Tessera.Clients;
using Tessera.Data;
using Tessera.Environments;

namespace Tessera.Passcodes;

/// <summary>The client lookup every identify and authenticate starts with, compiled once (EF's query cache lookup is not free).</summary>
public static class PasscodeQueries
{
    public sealed record ClientAndEnvironment(Client Client, TesseraEnvironment Environment);

    internal static readonly CompiledQuery<Func<TesseraDbContext, string, CancellationToken, Task<ClientAndEnvironment?>>> ClientWithEnvironment = new(() =>
        EF.CompileAsyncQuery((TesseraDbContext db, string clientId, CancellationToken _) =>
            (from c in db.Clients.AsNoTracking()
             join e in db.Environments.AsNoTracking() on c.EnvironmentId equals e.Id
             where c.Id == clientId
             select new ClientAndEnvironment(c, e)).FirstOrDefault()));
}
