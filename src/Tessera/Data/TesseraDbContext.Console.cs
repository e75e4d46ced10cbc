using Microsoft.EntityFrameworkCore;
using Tessera.OperatorConsole;

namespace Tessera.Data;

public sealed partial class TesseraDbContext
{
    public DbSet<ConsoleLink> ConsoleLinks => Set<ConsoleLink>();
    public DbSet<ConsoleSession> ConsoleSessions => Set<ConsoleSession>();
}
