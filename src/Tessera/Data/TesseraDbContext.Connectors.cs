using Microsoft.EntityFrameworkCore;
using Tessera.Connectors;

namespace Tessera.Data;

public sealed partial class TesseraDbContext
{
    public DbSet<Connector> Connectors => Set<Connector>();
}
