/* sim.h: the built-in demo call centre. It produces OVH-format event bodies (the exact shapes
 * of the protocol) and hands them to ingest_body(), like the live feed. No network.
 */
#ifndef CTIBOARD_SIM_H
#define CTIBOARD_SIM_H

#include <stdbool.h>
#include <stdint.h>

struct model;
struct journal;
struct sim;

struct sim_options {
	uint64_t seed;
	double rate;       /* simulated seconds per real second (1 = real time) */
	int64_t start_ns;  /* simulated start time; 0: 08:00 today, run at once up to 10:00 */
	double duration_s; /* simulated seconds to run, 0 = until stopped */
};

/* Start the simulator thread. NULL on failure. */
struct sim *sim_start(struct model *m, struct journal *j, const struct sim_options *o);

/* Has the simulator finished its duration? */
bool sim_done(const struct sim *s);

/* Stop and join the simulator thread. */
void sim_stop(struct sim *s); /* NULL is accepted */

#endif
