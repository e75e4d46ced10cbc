using Microsoft.EntityFrameworkCore;
using Tessera.FinancialData;

namespace Tessera.Data;

public sealed partial class TesseraDbContext
{
    public DbSet<InvestmentSecurity> Securities => Set<InvestmentSecurity>();
    public DbSet<AccountHolding> AccountHoldings => Set<AccountHolding>();
    public DbSet<Statement> Statements => Set<Statement>();
}
