// ESoviet.Verify: checks an exported ESoviet ledger with nothing but the file. See docs/ledger.md.
return ESoviet.Verify.Cli.Run(args, Console.Out, Console.Error);
