// One browser test class at a time: each class starts a whole local system (host, identity provider, console) and a
// Chromium, and two of those at once on a small machine make the first sign-ins and token requests time out. The
// component and page-logic tests are quick either way.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
