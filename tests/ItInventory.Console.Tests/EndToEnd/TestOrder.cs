// Each end-to-end class starts a whole local system (host, worker, identity provider, console) and a Chromium: run
// the classes one after another, so that a class's first sign-in does not time out while another host starts on the
// same two cores (seen: both classes' first sign-ins stuck at "Authorizing..." for 60 s when run in parallel).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
