using Microsoft.EntityFrameworkCore;
using Tessera.FinancialData;

namespace Tessera.Data;

public sealed partial class TesseraDbContext
{
    public DbSet<Connection> Connections => Set<Connection>();
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<Balance> Balances => Set<Balance>();
    public DbSet<Transaction> Transactions => Set<Transaction>();
    public DbSet<FinancialDataVersion> FinancialDataVersions => Set<FinancialDataVersion>();
}
