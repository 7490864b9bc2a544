// Every class here kills database servers or app processes and starts its own: one at a time keeps the machine
// (and the timings the tests rely on) predictable while the other test projects run beside them.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
