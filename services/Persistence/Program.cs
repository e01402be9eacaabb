using HeartRule.Persistence;

PersistenceApp.Build(args).Run();
