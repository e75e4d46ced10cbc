[assembly: Xunit.AssemblyFixture(typeof(Tessera.Tests.Infrastructure.PostgresServer))]
