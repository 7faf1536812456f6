-- wrk script of the HTTP benchmarks: POST /predict with one MNIST test digit (a 7), as a client sends it.
-- Run from the repository's root (the body is read from examples/digit-7.json).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local file = io.open("examples/digit-7.json", "r")
wrk.body = file:read("*a")
file:close()
